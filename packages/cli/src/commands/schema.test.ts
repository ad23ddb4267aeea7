import { describe, expect, it } from 'vitest'
import { runCli } from '../testing.js'

describe('tessera schema', () => {
  it('prints the basket JSON Schema generated from its codec', async () => {
    const { code, stdout, stderr } = await runCli('schema', 'basket')
    expect(code).toBe(0)
    expect(stderr).toBe('')
    const schema = JSON.parse(stdout)
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema')
    expect(schema.$defs.BasketLine.properties.amount).toMatchObject({ type: 'integer', minimum: 0 })
    expect(schema.$defs.Basket.required).toContain('lines')
  })

  it('prints the customer and evaluation schemas', async () => {
    for (const name of ['customer', 'evaluation']) {
      const { code, stdout } = await runCli('schema', name)
      expect(code).toBe(0)
      expect(JSON.parse(stdout).title).toContain(name)
    }
  })

  it('exits 2 on an unknown document, naming the known ones, with nothing on stdout', async () => {
    const { code, stdout, stderr } = await runCli('schema', 'bsket')
    expect(code).toBe(2)
    expect(stdout).toBe('')
    expect(stderr).toMatch(/unknown document "bsket"; known: basket, customer/)
  })

  it('exits 2 when the document name is missing', async () => {
    const { code, stderr } = await runCli('schema')
    expect(code).toBe(2)
    expect(stderr).toMatch(/missing required argument/)
  })
})
