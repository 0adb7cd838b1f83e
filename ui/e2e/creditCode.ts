// Makes 统一社会信用代码 for tests (GB 32100 check character, GB 11714 inner check),
// so each run can create enterprises whose codes are valid and new.

const CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY'
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
const ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]

function orgCheck(first8: string): string {
  const sum = [...first8].reduce((acc, c, i) => acc + parseInt(c, 36) * ORG_WEIGHTS[i]!, 0)
  const v = 11 - (sum % 11)
  return v === 10 ? 'X' : v === 11 ? '0' : String(v)
}

function checkChar(first17: string): string {
  const sum = [...first17].reduce((acc, c, i) => acc + CHARSET.indexOf(c) * WEIGHTS[i]!, 0)
  return CHARSET[(31 - (sum % 31)) % 31]!
}

/** A valid code for a 门头沟 company, from 8 digits of the organisation code. */
export function validCreditCode(digits8: string = randomDigits(8)): string {
  const first17 = `91110109${digits8}${orgCheck(digits8)}`
  return first17 + checkChar(first17)
}

/** The same code with a wrong check character: a warning the inspector may confirm. */
export function wrongCheckCharacter(code: string): string {
  const last = code.at(-1)!
  const other = CHARSET[(CHARSET.indexOf(last) + 1) % CHARSET.length]!
  return code.slice(0, 17) + other
}

export function randomDigits(n: number): string {
  let s = ''
  for (let i = 0; i < n; i++) s += Math.floor(Math.random() * 10)
  return s
}
