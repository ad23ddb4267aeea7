import { Box, Text } from 'ink'
import { kilograms } from '../format.js'
import type { TillLine } from './backend.js'
import { displayMoney } from './format.js'

/** The scanned lines, each with its discounts inline under it. @category till */
export const ItemList = ({ lines, currency }: { readonly lines: readonly TillLine[]; readonly currency: string }) => (
  <Box flexDirection="column" borderStyle="round" borderColor="gray" paddingX={1} flexGrow={1}>
    <Text bold>Items</Text>
    {lines.length === 0 ? <Text color="gray">Scan a product, a card or a coupon.</Text> : null}
    {lines.map((line) => (
      <Box key={line.id} flexDirection="column">
        <Box>
          <Box width={4}>
            <Text color="gray">{line.id}</Text>
          </Box>
          <Box flexGrow={1}>
            <Text wrap="truncate-end">{line.name}</Text>
          </Box>
          <Box width={22} justifyContent="flex-end">
            <Text color="gray">
              {line.unit === 'kg' ? kilograms(line.quantity) : `${line.quantity} x`}{' '}
              {displayMoney(line.unitPrice, currency)}
            </Text>
          </Box>
          <Box width={12} justifyContent="flex-end">
            <Text>{displayMoney(line.amount, currency)}</Text>
          </Box>
        </Box>
        {line.discounts.map((d) => (
          <Box key={d.label}>
            <Box width={4} />
            <Box flexGrow={1}>
              <Text color="green">{d.label}</Text>
            </Box>
            <Box width={12} justifyContent="flex-end">
              <Text color="green">-{displayMoney(d.amount, currency)}</Text>
            </Box>
          </Box>
        ))}
      </Box>
    ))}
  </Box>
)
