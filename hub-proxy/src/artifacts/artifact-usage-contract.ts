import { afterEach, describe, expect, it } from 'vitest';
import { QuotaExceeded } from '../errors/index.js';
import { rejectionOf } from '../errors/testing/rejection.js';
import { toHttpError } from '../http/error-mapping.js';
import type { ArtifactLimits } from './artifact-limits.js';
import type { ContractStore } from './artifact-store-contract.js';
import type { ArtifactStore } from './artifact-store.js';

const DEFAULT_LIMITS: ArtifactLimits = { maxObjectBytes: 1024 * 1024, maxOwnerBytes: 4 * 1024 * 1024 };

/** Sum of the listed sizes: what a recount must find. */
async function listedBytes(store: ArtifactStore, prefix: string): Promise<number> {
  return (await store.list(prefix)).reduce((sum, entry) => sum + entry.sizeBytes, 0);
}

/**
 * The per-owner byte accounting every backend must have: usage kept exact by
 * puts and deletes without listing, the owner limit held across replicas,
 * records that survive a restart, and recounts that correct drift. Part of
 * `describeArtifactStoreContract`, which calls it.
 */
export function describeArtifactUsageContract(
  name: string,
  makeStore: (limits: ArtifactLimits) => Promise<ContractStore>,
): void {
  describe(`${name} artifact store usage accounting`, () => {
    const cleanups: (() => Promise<void>)[] = [];
    const made = async (limits: ArtifactLimits = DEFAULT_LIMITS): Promise<ContractStore> => {
      const store = await makeStore(limits);
      cleanups.push(store.cleanup);
      return store;
    };
    afterEach(async () => {
      await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
    });

    it('keeps usage exact through puts, overwrites, deletes and prefix deletes, without recounting', async () => {
      const { store, plant } = await made();
      const owner = 'users/alice/';
      await store.put('users/alice/jobs/a/in.ipynb', Buffer.alloc(3000));
      // Planted after the record exists: usage() must now keep reading the record, not the objects.
      await plant('users/alice/planted/x', Buffer.alloc(7));
      const expectUsage = async (bytes: number) => {
        expect(await store.usage(owner)).toBe(bytes);
        expect((await listedBytes(store, owner)) - 7).toBe(bytes);
      };
      await expectUsage(3000);
      await store.put('users/alice/jobs/a/out.ipynb', Buffer.alloc(500));
      await store.put('users/alice/jobs/b/runs/1/log.txt', Buffer.alloc(250));
      await store.put('users/alice/jobs/b/runs/2/log.txt', Buffer.alloc(125));
      await expectUsage(3875);
      await store.put('users/alice/jobs/a/in.ipynb', Buffer.alloc(1000)); // shrink
      await store.put('users/alice/jobs/a/out.ipynb', Buffer.alloc(2000)); // grow
      await expectUsage(3875 - 2000 + 1500);
      await store.delete('users/alice/jobs/a/out.ipynb');
      await store.delete('users/alice/jobs/a/out.ipynb'); // already gone: no second subtraction
      await expectUsage(1000 + 375);
      await store.deletePrefix('users/alice/jobs/b/');
      await expectUsage(1000);
      await store.deletePrefix('users/');
      expect(await store.usage(owner)).toBe(0);
      expect(await store.recount(owner)).toBe(0);
    });

    it('lets concurrent puts through two replicas pass the owner limit together by not one byte', async () => {
      const limits = { maxObjectBytes: 4 * 1024, maxOwnerBytes: 10 * 1024 };
      const first = await made(limits);
      const second = await first.reopen();
      const replicas = [first.store, second];
      // Every body waits until all eight puts have opened (each has read the record: 0 bytes used),
      // so only the check at commit can stop the fourth, fifth and sixth.
      let opened = 0;
      let allOpened!: () => void;
      const barrier = new Promise<void>((resolve) => (allOpened = resolve));
      async function* racingBody(i: number): AsyncGenerator<Uint8Array> {
        opened += 1;
        if (opened === 8) allOpened();
        await barrier;
        yield Buffer.alloc(3 * 1024, i);
      }
      const attempts = Array.from({ length: 8 }, (_, i) =>
        (replicas[i % 2] as ArtifactStore).put(`users/alice/race/${i}`, racingBody(i)),
      );
      const outcomes = await Promise.allSettled(attempts);
      const stored = outcomes.filter((outcome) => outcome.status === 'fulfilled').length;
      // Three objects of 3 KiB fit in 10 KiB; a fourth would pass it.
      expect(stored).toBe(3);
      for (const outcome of outcomes) {
        if (outcome.status === 'rejected') expect(outcome.reason).toBeInstanceOf(QuotaExceeded);
      }
      expect(await listedBytes(first.store, 'users/alice/')).toBe(9 * 1024);
      expect(await first.store.usage('users/alice/')).toBe(9 * 1024);
      expect(await second.usage('users/alice/')).toBe(9 * 1024);
      expect(await second.recount('users/alice/')).toBe(9 * 1024);
    });

    it('keeps usage across a restart and corrects drift by a recount, which the limit then uses', async () => {
      const limits = { maxObjectBytes: 8 * 1024, maxOwnerBytes: 10 * 1024 };
      const { store, reopen, plant } = await made(limits);
      await store.put('users/alice/a', Buffer.alloc(2 * 1024));
      await plant('users/alice/behind-the-back', Buffer.alloc(6 * 1024));
      const restarted = await reopen();
      // The restarted store reads the record (2 KiB), not the objects (8 KiB).
      expect(await restarted.usage('users/alice/')).toBe(2 * 1024);
      await restarted.put('users/alice/b', Buffer.alloc(1024));
      expect(await restarted.usage('users/alice/')).toBe(3 * 1024);
      expect(await restarted.recount('users/alice/')).toBe(9 * 1024);
      expect(await store.usage('users/alice/')).toBe(9 * 1024);
      const err = await rejectionOf(store.put('users/alice/c', Buffer.alloc(2 * 1024)));
      expect(toHttpError(err)).toMatchObject({
        status: 403,
        extensions: { quota: 'artifactBytes', used: 9 * 1024 },
      });
      await store.put('users/alice/c', Buffer.alloc(1024));
      expect(await store.usage('users/alice/')).toBe(10 * 1024);
    });

    it('seeds a missing usage record with one count of what is stored', async () => {
      const { store, plant } = await made();
      await plant('users/alice/old/a', Buffer.alloc(700));
      await plant('users/alice/old/b', Buffer.alloc(300));
      // No record yet (objects from before accounting): the first use counts them once.
      expect(await store.usage('users/alice/')).toBe(1000);
      await store.put('users/alice/new', Buffer.alloc(24));
      expect(await store.usage('users/alice/')).toBe(1024);
    });
  });
}
