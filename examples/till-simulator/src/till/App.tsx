import { Box, Text, useApp, useInput } from 'ink'
import { useCallback, useEffect, useRef, useState } from 'react'
import type { TillBackend, TillView } from './backend.js'
import { CustomerPanel } from './CustomerPanel.js'
import { type CommandOutcome, parseCommand, runCommand } from './commands.js'
import { InputLine } from './InputLine.js'
import { ItemList } from './ItemList.js'
import { Nudges } from './Nudges.js'
import { Totals } from './Totals.js'

/** Props of the till screen. @category till */
export interface AppProps {
  readonly backend: TillBackend
  readonly title?: string
}

/**
 * The till screen: items with their discounts, totals and savings, nudges, the customer panel, and
 * the command line (type `help`). A receipt (after pay, return or reprint) replaces the items until
 * the next key.
 * @category till
 */
export const App = ({ backend, title = 'Marché Tessera · till 01' }: AppProps) => {
  const { exit } = useApp()
  const [view, setView] = useState<TillView | undefined>(undefined)
  const [input, setInput] = useState('')
  const [outcome, setOutcome] = useState<Pick<CommandOutcome, 'message' | 'level' | 'receipt' | 'help'>>({
    message: 'Ready. Type help for the commands.',
    level: 'info',
  })
  const [busy, setBusy] = useState(false)
  const queue = useRef(Promise.resolve())

  useEffect(() => {
    void backend.view().then(setView)
  }, [backend])

  const submit = useCallback(
    (line: string) => {
      const command = parseCommand(line)
      if (command === undefined) return
      setBusy(true)
      // Commands run one after another, in the order they were typed (a scanner can be fast).
      queue.current = queue.current.then(async () => {
        const result = await runCommand(backend, command)
        setView(result.view)
        setOutcome({
          message: result.message,
          level: result.level,
          ...(result.receipt !== undefined ? { receipt: result.receipt } : {}),
          ...(result.help !== undefined ? { help: result.help } : {}),
        })
        setBusy(false)
        if (result.quit) exit()
      })
    },
    [backend, exit],
  )

  // The typed line lives in a ref as well as in state: a scanner sends a whole code and Enter in
  // one burst, faster than React re-renders.
  const typed = useRef('')
  const setTyped = (text: string) => {
    typed.current = text
    setInput(text)
  }
  const leaveOverlay = () => setOutcome((o) => ({ message: o.message, level: o.level }))

  useInput((char, key) => {
    if (key.return) {
      submit(typed.current)
      setTyped('')
      return
    }
    if (key.escape) {
      leaveOverlay()
      setTyped('')
      return
    }
    if (key.backspace || key.delete) {
      setTyped(typed.current.slice(0, -1))
      return
    }
    if (!char || key.ctrl || key.meta) return
    // The first key after a receipt or the help puts the sale screen back.
    if (outcome.receipt !== undefined || outcome.help !== undefined) leaveOverlay()
    const parts = `${typed.current}${char}`.split(/\r\n|\r|\n/)
    const rest = parts.pop() ?? ''
    for (const part of parts) submit(part)
    setTyped(rest)
  })

  if (view === undefined) return <Text>Opening the till…</Text>
  return (
    <Box flexDirection="column">
      <Box justifyContent="space-between" paddingX={1}>
        <Text bold>{title}</Text>
        <Text color="gray">{view.transactionId}</Text>
      </Box>
      {outcome.receipt !== undefined ? (
        <Box borderStyle="single" paddingX={1} flexDirection="column" width={46}>
          <Text>{outcome.receipt}</Text>
          <Text color="gray">(any key: next customer)</Text>
        </Box>
      ) : outcome.help !== undefined ? (
        <Box borderStyle="single" paddingX={1} flexDirection="column">
          {outcome.help.map((h) => (
            <Text key={h}>{h}</Text>
          ))}
        </Box>
      ) : (
        <Box>
          <Box flexDirection="column" flexGrow={1}>
            <ItemList lines={view.lines} currency={view.currency} />
          </Box>
          <Box flexDirection="column" width={42}>
            <CustomerPanel {...(view.customer ? { customer: view.customer } : {})} />
            <Totals view={view} />
            <Nudges nudges={view.nudges} />
          </Box>
        </Box>
      )}
      <InputLine input={input} message={outcome.message} level={outcome.level} busy={busy} />
    </Box>
  )
}
