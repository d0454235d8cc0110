/**
 * The action's own start-up overhead: `node -e ''` as the floor, the shipped main and post
 * bundles on a path that exits right after loading (post with no state; main with an invalid
 * input, so it stops after parsing inputs), bundle sizes, and the before/after of loading the
 * cache module lazily (bench/lib/startup-variants.ts). Variants are interleaved per round.
 */
import { readdirSync, statSync } from 'node:fs'
import path from 'node:path'
import { timeNodeScript } from './action-process.js'
import { sample, type Sample } from './measure.js'
import { buildStartupVariants, type StartupVariant } from './startup-variants.js'

export interface VariantLoad {
  startupBytes: number
  totalBytes: number
  load: Sample
}

export interface StartupResult {
  rounds: number
  nodeBaseline: Sample
  mainLoad: Sample
  postLoad: Sample
  /** dist/lock/index.js --help: what starting a small bundle costs (a keeper or post of its own). */
  lockCliLoad: Sample
  bundleBytes: {
    main: number
    mainEntry: number
    mainChunks: Record<string, number>
    post: number
    lock: number
  }
  lazyCache: VariantLoad
  eagerCache: VariantLoad
  /** Main and post built without @actions/core's OIDC client (undici): what it would save. */
  leanMain: VariantLoad
  post: VariantLoad
  leanPost: VariantLoad
}

/** Makes main stop right after reading its inputs (SPEC §1: malformed input → error). */
const FAST_EXIT_MAIN = { 'INPUT_LOCK-TIMEOUT': 'not-a-number', GITHUB_REPOSITORY: 'acme/big' }

function dirBytes(
  dir: string,
  filter: (name: string) => boolean = () => true
): Record<string, number> {
  const out: Record<string, number> = {}
  for (const name of readdirSync(dir))
    if (filter(name)) out[name] = statSync(path.join(dir, name)).size
  return out
}

function load(variant: StartupVariant, times: number[]): VariantLoad {
  return { startupBytes: variant.startupBytes, totalBytes: variant.totalBytes, load: sample(times) }
}

export async function runStartupBench(
  actionDir: string,
  options: { rounds: number; log: (line: string) => void }
): Promise<StartupResult> {
  const { rounds, log } = options
  log(`start-up overhead × ${rounds} (node -e '', main/post/lock bundles, lazy vs eager cache) ...`)
  const dist = path.join(actionDir, 'dist')
  const mainJs = path.join(dist, 'main', 'index.js')
  const postJs = path.join(dist, 'post', 'index.js')
  const lockJs = path.join(dist, 'lock', 'index.js')
  const variants = await buildStartupVariants()
  try {
    const times = {
      node: [] as number[],
      main: [] as number[],
      post: [] as number[],
      lock: [] as number[],
      lazy: [] as number[],
      eager: [] as number[],
      lean: [] as number[],
      post2: [] as number[],
      leanPost: [] as number[]
    }
    // One unmeasured round warms the page cache for every file.
    for (let round = -1; round < rounds; round++) {
      const node = await timeNodeScript(['-e', ''])
      const main = await timeNodeScript([mainJs], FAST_EXIT_MAIN)
      const post = await timeNodeScript([postJs])
      const lock = await timeNodeScript([lockJs, '--help'])
      const lazy = await timeNodeScript([variants.lazy.entry], FAST_EXIT_MAIN)
      const eager = await timeNodeScript([variants.eager.entry], FAST_EXIT_MAIN)
      const lean = await timeNodeScript([variants.lean.entry], FAST_EXIT_MAIN)
      const post2 = await timeNodeScript([variants.post.entry])
      const leanPost = await timeNodeScript([variants.leanPost.entry])
      if (round < 0) continue
      times.node.push(node)
      times.main.push(main)
      times.post.push(post)
      times.lock.push(lock)
      times.lazy.push(lazy)
      times.eager.push(eager)
      times.lean.push(lean)
      times.post2.push(post2)
      times.leanPost.push(leanPost)
    }
    const mainFiles = dirBytes(path.join(dist, 'main'), n => n.endsWith('.js'))
    const { 'index.js': mainEntry, ...mainChunks } = mainFiles
    return {
      rounds,
      nodeBaseline: sample(times.node),
      mainLoad: sample(times.main),
      postLoad: sample(times.post),
      lockCliLoad: sample(times.lock),
      bundleBytes: {
        main: Object.values(mainFiles).reduce((a, b) => a + b, 0),
        mainEntry,
        mainChunks,
        post: statSync(postJs).size,
        lock: statSync(lockJs).size
      },
      lazyCache: load(variants.lazy, times.lazy),
      eagerCache: load(variants.eager, times.eager),
      leanMain: load(variants.lean, times.lean),
      post: load(variants.post, times.post2),
      leanPost: load(variants.leanPost, times.leanPost)
    }
  } finally {
    variants.remove()
  }
}
