/**
 * ISO 4217 currencies and their minor-unit exponents (the number of decimals of one major unit).
 * Most are 2; the table lists the exceptions and every active code, so an unknown code is refused
 * instead of being guessed.
 * @category money
 */
const EXPONENTS: Readonly<Record<string, number>> = (() => {
  const zero = 'BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF'
  const three = 'BHD IQD JOD KWD LYD OMR TND'
  const four = 'CLF UYW'
  const two =
    'AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BOV BRL BSD BTN BWP BYN BZD CAD CDF CHE CHF CHW CNY COP COU CRC CUC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GTQ GYD HKD HNL HTG HUF IDR ILS INR IRR JMD KES KGS KHR KPW KYD KZT LAK LBP LKR LRD LSL MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD PAB PEN PGK PHP PKR PLN QAR RON RSD RUB SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TOP TRY TTD TWD TZS UAH USD USN UYU UZS VED VES WST XCD XCG YER ZAR ZMW ZWG'
  const table: Record<string, number> = {}
  for (const [codes, exponent] of [
    [zero, 0],
    [two, 2],
    [three, 3],
    [four, 4],
  ] as const) {
    for (const code of codes.split(' ')) table[code] = exponent
  }
  return table
})()

/** An ISO 4217 alphabetic code known to Tessera. @category money */
export type CurrencyCode = string & { readonly CurrencyCode: unique symbol }

/** Whether a string is a known ISO 4217 code. @category money */
export const isCurrencyCode = (code: string): code is CurrencyCode => Object.hasOwn(EXPONENTS, code)

/** Every known ISO 4217 code. @category money */
export const currencyCodes = (): readonly CurrencyCode[] => Object.keys(EXPONENTS) as CurrencyCode[]

/**
 * The number of decimals of a currency's minor unit: 2 for EUR, 0 for JPY, 3 for KWD.
 * @category money
 */
export const exponentOf = (currency: CurrencyCode): number => EXPONENTS[currency] as number
