// Divisions (镇街) and sectors (行业) change only with a new app version, so they are
// loaded once per session and shared by every page.

import { computed, ref } from 'vue'
import { describeError, listDivisions, listSectors, type Division, type Sector } from '../../lib/backend'

const divisions = ref<Division[]>([])
const sectors = ref<Sector[]>([])
const error = ref<string | null>(null)
const loaded = ref(false)
let pending: Promise<void> | null = null

function load(): Promise<void> {
  pending ??= Promise.all([listDivisions(), listSectors()])
    .then(([d, s]) => {
      divisions.value = d
      sectors.value = s
      error.value = null
      loaded.value = true
    })
    .catch((e: unknown) => {
      error.value = `无法读取镇街和行业列表：${describeError(e)}`
      pending = null // allow a retry
    })
  return pending
}

const sectorNames = computed(() => new Map(sectors.value.map((s) => [s.code, s.name])))

export const DIVISION_KIND_LABELS: Record<Division['kind'], string> = {
  street: '街道',
  town: '镇',
  zone: '开发区',
}

export function useReferenceData() {
  void load()
  return {
    divisions,
    sectors,
    loaded,
    error,
    retry: load,
    /** A sector's Chinese name; an unknown code is shown as it is rather than hidden. */
    sectorName: (code: string) => sectorNames.value.get(code) ?? code,
    /** Divisions grouped by kind, in the order 街道, 镇, 开发区. */
    divisionGroups: computed(() =>
      (['street', 'town', 'zone'] as const)
        .map((kind) => ({ kind, label: DIVISION_KIND_LABELS[kind], items: divisions.value.filter((d) => d.kind === kind) }))
        .filter((g) => g.items.length > 0),
    ),
  }
}
