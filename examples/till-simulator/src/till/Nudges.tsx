import { Box, Text } from 'ink'

/** What the customer could add to earn more ("add 1 more yogurt: the third is free"). @category till */
export const Nudges = ({ nudges }: { readonly nudges: readonly string[] }) =>
  nudges.length === 0 ? null : (
    <Box flexDirection="column" borderStyle="round" borderColor="yellow" paddingX={1}>
      <Text bold color="yellow">
        Tell the customer
      </Text>
      {nudges.slice(0, 4).map((n) => (
        <Text key={n} color="yellow" wrap="truncate-end">
          • {n}
        </Text>
      ))}
    </Box>
  )
