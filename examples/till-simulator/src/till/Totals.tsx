import { Box, Text } from 'ink'
import type { TillView } from './backend.js'
import { displayMoney, shortCode } from './format.js'

const Row = ({ label, value, color }: { readonly label: string; readonly value: string; readonly color?: string }) => (
  <Box justifyContent="space-between">
    <Text {...(color ? { color } : {})}>{label}</Text>
    <Text {...(color ? { color } : {})}>{value}</Text>
  </Box>
)

/** Subtotal, savings, total, and what the sale earns. @category till */
export const Totals = ({ view }: { readonly view: TillView }) => (
  <Box flexDirection="column" borderStyle="round" borderColor="gray" paddingX={1}>
    <Row label="Subtotal" value={displayMoney(view.subtotal, view.currency)} />
    {view.discountTotal > 0 ? (
      <Row label="You save" value={`-${displayMoney(view.discountTotal, view.currency)}`} color="green" />
    ) : null}
    <Box justifyContent="space-between">
      <Text bold>TOTAL</Text>
      <Text bold>{displayMoney(view.total, view.currency)}</Text>
    </Box>
    {view.customer !== undefined ? (
      <Row label="Points this sale" value={`+${view.pointsPreview}`} color="cyan" />
    ) : null}
    {view.codes.map((code) => (
      <Row key={code} label="Coupon" value={shortCode(code)} color="magenta" />
    ))}
    {view.gifts.map((gift) => (
      <Text key={gift} color="green">
        Gift: {gift}
      </Text>
    ))}
    {view.couponsPreview.map((c) => (
      <Text key={c} color="magenta">
        On the receipt: {c}
      </Text>
    ))}
  </Box>
)
