import { Box, Text } from 'ink'
import type { TillCustomer } from './backend.js'
import { displayMoney, progressBar } from './format.js'

/** Who the customer is: name, card, tier, points and progress to the next tier. @category till */
export const CustomerPanel = ({ customer }: { readonly customer?: TillCustomer }) => (
  <Box flexDirection="column" borderStyle="round" borderColor={customer ? 'cyan' : 'gray'} paddingX={1}>
    {customer === undefined ? (
      <Text color="gray">No card: scan a loyalty card</Text>
    ) : (
      <>
        <Text bold color="cyan">
          {customer.name ?? 'Member'}
        </Text>
        <Text color="gray">Card {customer.card}</Text>
        <Text>
          Tier <Text bold>{customer.tier ?? 'member'}</Text>
          {customer.lifecycle ? <Text color="gray"> · {customer.lifecycle}</Text> : null}
        </Text>
        <Text>
          Points <Text bold>{customer.pointsBalance}</Text>
        </Text>
        {customer.tierProgress?.next !== undefined && customer.tierProgress.nextAt !== undefined ? (
          <>
            <Text>
              {progressBar(customer.tierProgress.spend, customer.tierProgress.nextAt, 20)} {customer.tierProgress.next}
            </Text>
            <Text color="gray">
              {displayMoney(Math.max(0, customer.tierProgress.nextAt - customer.tierProgress.spend))} to{' '}
              {customer.tierProgress.next}
            </Text>
          </>
        ) : customer.tierProgress ? (
          <Text color="gray">Top tier</Text>
        ) : null}
      </>
    )}
  </Box>
)
