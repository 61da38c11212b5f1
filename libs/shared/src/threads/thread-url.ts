/**
 * Where a worker thread's entry lives, and the Node flags it needs: the compiled `.js` beside
 * the caller in a build; from sources (tests, a dev run) the `.ts` with module hooks that
 * transpile it. `callerUrl` is the caller's `import.meta.url`; `entry` is named as built (`x.js`).
 */
export function threadEntry(callerUrl: string, entry: string): { url: URL; execArgv: string[] } {
  if (!callerUrl.endsWith('.ts')) return { url: new URL(entry, callerUrl), execArgv: [] };
  return {
    url: new URL(entry.replace(/\.js$/, '.ts'), callerUrl),
    execArgv: ['--import', new URL('./register-ts-hooks.mjs', import.meta.url).href],
  };
}
