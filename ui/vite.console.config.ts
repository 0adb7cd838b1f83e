import { rename } from 'node:fs/promises'
import { join } from 'node:path'
import { defineConfig, type Plugin } from 'vite'
import vue from '@vitejs/plugin-vue'

// The bureau's web console: the second entry of this UI (console.html → src/console/),
// sharing styles.css and components with the app. Built to dist-console/ with absolute
// paths (base '/'): the district server serves it at / and answers index.html for every
// non-API path it does not know, so history-mode routes reload.
//
// `npm run dev:console` proxies the console API (and /v, the document check) to a running
// server, e.g. ANJIAN_CONSOLE_API=http://127.0.0.1:8080 npm run dev:console
const apiTarget = process.env.ANJIAN_CONSOLE_API

/** The built console.html becomes index.html, the name the server serves at /. (Renamed
 *  on disk once written: Rolldown does not let a plugin rename a file of the bundle.) */
function indexHtml(): Plugin {
  return {
    name: 'anjian-console-index-html',
    apply: 'build',
    async writeBundle(options, bundle) {
      if (!bundle['console.html']) this.error('console.html is missing from the build')
      const dir = options.dir ?? 'dist-console'
      await rename(join(dir, 'console.html'), join(dir, 'index.html'))
    },
  }
}

/** In development, every page address (not a file, not the API) gets console.html. */
function devFallback(): Plugin {
  return {
    name: 'anjian-console-dev-fallback',
    apply: 'serve',
    configureServer(server) {
      server.middlewares.use((req, _res, next) => {
        const url = req.url ?? '/'
        const path = url.split('?')[0]
        const isPage =
          req.method === 'GET' &&
          (req.headers.accept ?? '').includes('text/html') &&
          !path.startsWith('/api/') &&
          !path.startsWith('/v/') &&
          !path.startsWith('/@') &&
          !path.startsWith('/src/') &&
          !path.startsWith('/node_modules/') &&
          !/\.[a-z0-9]+$/i.test(path)
        if (isPage) req.url = '/console.html'
        next()
      })
    },
  }
}

export default defineConfig({
  plugins: [vue(), indexHtml(), devFallback()],
  base: '/',
  build: {
    outDir: 'dist-console',
    emptyOutDir: true,
    target: 'es2022',
    // The largest chunk is 总览's, ECharts' core with the bar and line charts only
    // (tree-shaken; about 180 kB gzipped), loaded after sign-in.
    chunkSizeWarningLimit: 600,
    rolldownOptions: {
      input: { console: 'console.html' },
    },
  },
  server: apiTarget ? { proxy: { '/api/console': apiTarget, '/v': apiTarget } } : {},
})
