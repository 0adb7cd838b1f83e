// What the console's routes say of themselves (the app's own meta is in src/env.d.ts).
import 'vue-router'

declare module 'vue-router' {
  interface RouteMeta {
    /** Only 管理员 may open the page. */
    adminOnly?: boolean
    /** A page shown without the navigation (sign-in, password). */
    bare?: boolean
  }
}
