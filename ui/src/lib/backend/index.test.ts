import { afterEach, describe, expect, it, vi } from 'vitest'
import { checkCreditCode, getEnterprise, removeDemo, saveProfile, setTransport, updateEnterprise } from './index'
import type { Transport } from './types'

afterEach(() => setTransport(undefined))

describe('backend functions', () => {
  it('call the command of docs/api.md with its args', async () => {
    const call = vi.fn(async () => ({}) as never)
    setTransport({ call } as unknown as Transport)

    await getEnterprise('0190-id')
    await updateEnterprise('0190-id', '000001767225600000-00000000-0000abcd', {} as never)
    await checkCreditCode('91110109')
    await saveProfile({ name: '张三', certNo: '11010900001', unit: '门头沟区应急管理局' })
    await removeDemo()

    expect(call.mock.calls).toEqual([
      ['get_enterprise', { id: '0190-id' }],
      ['update_enterprise', { id: '0190-id', rev: '000001767225600000-00000000-0000abcd', input: {} }],
      ['check_credit_code', { code: '91110109' }],
      ['save_profile', { profile: { name: '张三', certNo: '11010900001', unit: '门头沟区应急管理局' } }],
      ['remove_demo', {}],
    ])
  })

  it('return what the transport answered', async () => {
    setTransport({ call: async () => ({ removed: 360 }) } as unknown as Transport)
    await expect(removeDemo()).resolves.toEqual({ removed: 360 })
  })
})
