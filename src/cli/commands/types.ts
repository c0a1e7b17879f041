import { relative } from 'node:path'
import { generateTypes } from '../../registry/types-file.ts'
import { fail } from '../output.ts'

/**
 * `nanoweb types [root]`: writes `nanoweb-env.d.ts` for the project's services.
 *
 * @example
 * await typesCommand('examples/news')
 */
export async function typesCommand(root: string): Promise<void> {
  try {
    process.stdout.write(`wrote ${relative('.', await generateTypes(root))}\n`)
  } catch (error) {
    fail(error)
  }
}
