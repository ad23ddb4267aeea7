import type { Either } from 'fp-ts/lib/Either.js'

/**
 * A promise queue: each operation runs after every earlier one, so a memory store's operations
 * never interleave (its "transactions"). `closed` says when the store may no longer be used.
 * @internal
 */
export const oneAtATime = (name: string, closed: () => boolean = () => false) => {
  let queue: Promise<unknown> = Promise.resolve()
  return <A>(op: () => Promise<A> | A): Promise<A> => {
    const run = queue.then(() => {
      if (closed()) throw new Error(`${name}: used after close()`)
      return op()
    })
    queue = run.catch(() => undefined)
    return run
  }
}

/**
 * Runs `fn` on a fresh staged transaction and applies its writes only when it returns a `Right`;
 * `out` copies the result as the store hands values out.
 * @internal
 */
export const staged = async <T, E, A>(
  open: () => { readonly tx: T; readonly commit: () => void },
  fn: (tx: T) => Promise<Either<E, A>>,
  out: (r: Either<E, A>) => Either<E, A>,
): Promise<Either<E, A>> => {
  const { tx, commit } = open()
  const result = await fn(tx)
  if (result._tag === 'Right') commit()
  return out(result)
}
