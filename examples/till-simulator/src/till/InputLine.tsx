import { Box, Text } from 'ink'

/** The message of the last command and the input prompt. @category till */
export const InputLine = ({
  input,
  message,
  level,
  busy,
}: {
  readonly input: string
  readonly message: string
  readonly level: 'info' | 'error'
  readonly busy: boolean
}) => (
  <Box flexDirection="column">
    <Text color={level === 'error' ? 'red' : 'white'} wrap="truncate-end">
      {message}
    </Text>
    <Box>
      <Text color="cyan">{busy ? '… ' : '> '}</Text>
      <Text>{input}</Text>
      <Text inverse> </Text>
    </Box>
  </Box>
)
