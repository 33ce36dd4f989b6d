import type { Adapter, AdapterPayload } from 'oidc-provider'

interface Entry {
  payload: AdapterPayload
  /** Epoch milliseconds; absent when the artefact never expires. */
  expiresAt?: number
}

/**
 * Keeps one reference server's clients and tokens in memory.
 *
 * @remarks
 * oidc-provider's own in-memory adapter shares one store between all providers in a process and
 * prints a warning on every start; a store per server keeps parallel test servers apart and the
 * test log quiet. Expiry is checked on read, so no timer keeps the process alive.
 */
export class MemoryStore {
  readonly #entries = new Map<string, Entry>()

  /** The adapter oidc-provider uses for one model, e.g. `Client` or `RegistrationAccessToken`. */
  adapterFor(model: string): Adapter {
    const key = (id: string): string => `${model}:${id}`

    return {
      upsert: async (id, payload, expiresIn) => {
        const expiresAt = expiresIn === undefined ? undefined : Date.now() + expiresIn * 1000
        this.#entries.set(key(id), { payload, expiresAt })
      },
      find: async (id) => this.#read(key(id)),
      findByUid: async (uid) => this.#findWhere(model, (payload) => payload.uid === uid),
      findByUserCode: async (userCode) =>
        this.#findWhere(model, (payload) => payload.userCode === userCode),
      consume: async (id) => {
        const payload = this.#read(key(id))
        if (payload) payload.consumed = Math.floor(Date.now() / 1000)
      },
      destroy: async (id) => {
        this.#entries.delete(key(id))
      },
      revokeByGrantId: async (grantId) => this.#revokeGrant(grantId),
    }
  }

  #read(key: string): AdapterPayload | undefined {
    const entry = this.#entries.get(key)
    if (entry?.expiresAt !== undefined && entry.expiresAt <= Date.now()) {
      this.#entries.delete(key)
      return undefined
    }
    return entry?.payload
  }

  #findWhere(
    model: string,
    matches: (payload: AdapterPayload) => boolean,
  ): AdapterPayload | undefined {
    for (const key of this.#entries.keys()) {
      if (!key.startsWith(`${model}:`)) continue
      const payload = this.#read(key)
      if (payload && matches(payload)) return payload
    }
    return undefined
  }

  #revokeGrant(grantId: string): void {
    for (const [key, entry] of this.#entries) {
      if (entry.payload.grantId === grantId) this.#entries.delete(key)
    }
  }
}
