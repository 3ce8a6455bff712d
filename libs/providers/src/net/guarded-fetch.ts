import { Agent, buildConnector } from 'undici';
import { checkTarget, pinnedLookup } from './pinned-lookup.js';
import { PRIVATE_NETWORK_POLICY, STRICT_POLICY, type NetworkPolicy } from './policy.js';

/** How long connecting may take, in ms. */
const CONNECT_TIMEOUT_MS = 10_000;

const agents = new WeakMap<NetworkPolicy, Agent>();

/** One connection pool per policy; every new connection (redirect hops too) is checked before it is made. */
function agentFor(policy: NetworkPolicy): Agent {
  let agent = agents.get(policy);
  if (!agent) {
    const connect = buildConnector({ lookup: pinnedLookup(policy), timeout: CONNECT_TIMEOUT_MS } as buildConnector.BuildOptions);
    agent = new Agent({
      connect: (opts, callback) => {
        try {
          checkTarget(policy, opts.protocol, opts.hostname);
        } catch (e) {
          return callback(e as Error, null);
        }
        connect(opts, callback);
      },
    });
    agents.set(policy, agent);
  }
  return agent;
}

/**
 * The one way the server calls out (provider APIs, uploads to providers, outgoing webhooks):
 * `fetch` whose connections go only where the policy allows. A refused target rejects with a
 * TypeError whose `cause` is a BlockedAddressError, before anything is sent.
 * `allowPrivateNetwork` is the provider's (or the webhook endpoint's) own flag.
 */
export function guardedFetch(allowPrivateNetwork: boolean | NetworkPolicy): typeof fetch {
  const policy = typeof allowPrivateNetwork === 'boolean' ? (allowPrivateNetwork ? PRIVATE_NETWORK_POLICY : STRICT_POLICY) : allowPrivateNetwork;
  const dispatcher = agentFor(policy);
  // `dispatcher` is Node's (undici's) own fetch option: the global fetch keeps its FormData, Blob and streams
  return ((input: string | URL | Request, init?: RequestInit) => fetch(input, { ...init, dispatcher } as RequestInit)) as typeof fetch;
}
