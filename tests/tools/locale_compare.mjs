// TEST-ONLY, imported by simulate.mjs (the suite's IAM evaluator): a faster
// String.prototype.localeCompare for the calls iam-simulate makes, with the same results
// (tests/unit/test_evaluator_tool.py compares it with V8's own).
//
// iam-simulate and its iam-policy and iam-utils compare names case-insensitively with
// `a.localeCompare(b, undefined, { sensitivity: 'accent' })`, and V8 makes a new ICU collator for
// each such call: about a quarter of a batch's time.  ECMA-402 defines `localeCompare(that,
// locales, options)` as comparing with `new Intl.Collator(locales, options)`, so one collator per
// (locales, sensitivity), made once, compares the same.  Only calls whose options are a plain
// object holding `sensitivity` alone take this path; every other call is V8's own.
const nativeLocaleCompare = String.prototype.localeCompare
const collators = new Map()
function onlySensitivity(options) {
  if (typeof options !== 'object' || options === null) return false
  if (Object.getPrototypeOf(options) !== Object.prototype) return false
  const keys = Object.keys(options)
  return keys.length === 1 && keys[0] === 'sensitivity' && typeof options.sensitivity === 'string'
}
Object.defineProperty(String.prototype, 'localeCompare', {
  value: function localeCompare(that, locales, options) {
    const plain = this !== undefined && this !== null
    if (plain && (locales === undefined || typeof locales === 'string') && onlySensitivity(options)) {
      const key = `${locales === undefined ? '' : `=${locales}`} ${options.sensitivity}`
      let collator = collators.get(key)
      if (collator === undefined) {
        collator = new Intl.Collator(locales, options)
        collators.set(key, collator)
      }
      return collator.compare(`${this}`, `${that}`)
    }
    return nativeLocaleCompare.call(this, that, locales, options)
  },
  writable: true,
  configurable: true
})
