import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { failed, runChecks } from '../check/index.ts'
import { formatReport } from '../check/report.ts'
import { EXIT, fail } from '../output.ts'

/**
 * `nanoweb check [root]`: checks a project for CI and exits 0 when nothing fails, 1 with the list
 * (errors always fail; warnings only with `--strict`; info never), 2 when the command line is
 * wrong (a root with neither `services/` nor `pages/`, an `--against` file that is missing or
 * not a catalog: `NANO_E_BAD_CATALOG`). `--json`
 * prints `{ ok, findings }` on stdout instead of the list.
 *
 * @example
 * await checkCommand('.', { json: true, against: 'catalog.json' })
 */
export async function checkCommand(
  root: string,
  options: { json?: boolean; against?: string; strict?: boolean },
): Promise<void> {
  if (!['services', 'pages'].some((folder) => existsSync(join(root, folder)))) {
    fail(new Error(`${resolve(root)} is no nanoweb project: it has neither services/ nor pages/`), EXIT.USAGE)
    return
  }
  let findings: Awaited<ReturnType<typeof runChecks>>
  try {
    findings = await runChecks(root, options.against === undefined ? {} : { against: options.against })
  } catch (error) {
    const usage = (error as { code?: unknown }).code === 'NANO_E_BAD_CATALOG'
    fail(error, usage ? EXIT.USAGE : EXIT.FAILED)
    return
  }
  const bad = failed(findings, { strict: options.strict === true })
  if (options.json === true) process.stdout.write(`${JSON.stringify({ ok: !bad, findings }, null, 2)}\n`)
  else process.stdout.write(formatReport(findings, bad))
  process.exitCode = bad ? EXIT.FAILED : EXIT.OK
}
