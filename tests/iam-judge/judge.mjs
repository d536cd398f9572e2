// ctrail's independent judge of IAM policy evaluation, for tests only.
//
// Runs @cloud-copilot/iam-simulate (pinned in package.json; AGPL-3.0-or-later)
// as a separate process: nothing of it is linked into or shipped with ctrail.
// Installed by `tools/just iam-judge` into the ignored node_modules here.
//
// Input: one JSON case per line on stdin:
//   {"policy": <document>, "kind": "resource" | "identity",
//    "principal": {"service": "cloudtrail.amazonaws.com"} | {"arn": "...", "account": "..."},
//    "action": "s3:PutObject", "resource": "arn:...", "account": "<the resource's account>",
//    "context": {"aws:SourceArn": ["..."], ...}}
// Output: one JSON line per case, in order:
//   {"verdict": "allowed" | "explicitly denied" | "implicitly denied"}
//   or {"error": "..."} when the simulator cannot run the case.
//
// How each kind is put to the simulator:
// - "identity": the document is the caller's only identity policy, the
//   resource has no policy, and the resource is in the caller's account (a
//   same-account request: the identity policy alone decides).
// - "resource" with a service principal: the document is the resource's
//   policy and the request's principal is the service name; the simulator
//   grants a service principal only what the resource policy allows.
// - "resource" with an IAM principal: the document is the resource's policy;
//   the caller's own identity policies are taken to allow everything, so the
//   verdict is the resource policy's. A caller in the resource's own account
//   would need no resource-policy grant at all, so callers should be in
//   another account for the verdict to test the resource policy.
//
// Context values: a key with one value is sent as a single value, more than
// one as a list (a multivalued key; IAM User Guide, "Single-valued vs.
// multivalued context keys").
import { createInterface } from 'node:readline'
import { runUnsafeSimulation } from '@cloud-copilot/iam-simulate'

const ALLOW_ALL = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }

function simulation(c) {
  const context = {}
  for (const [key, values] of Object.entries(c.context || {})) {
    const list = [values].flat().map(String)
    context[key] = list.length === 1 ? list[0] : list
  }
  const service = c.principal && c.principal.service
  const principal = service || c.principal.arn
  const account = c.account || (service ? '111111111111' : c.principal.account)
  const request = {
    principal,
    action: c.action,
    resource: { resource: c.resource, accountId: c.kind === 'identity' ? c.principal.account : account },
    contextVariables: context
  }
  const base = { request, serviceControlPolicies: [], resourceControlPolicies: [] }
  if (c.kind === 'identity') {
    return { ...base, identityPolicies: [{ name: 'judged', policy: c.policy }] }
  }
  if (c.kind !== 'resource') throw new Error(`kind must be "resource" or "identity", not ${JSON.stringify(c.kind)}`)
  const identityPolicies = service ? [] : [{ name: 'caller', policy: ALLOW_ALL }]
  // runUnsafeSimulation names the resource policy from its metadata, which a
  // bare document lacks: hand it over in iam-policy's "validated" wrapper.
  const resourcePolicy = { __validated: true, policyDocument: c.policy, metadata: { name: 'resource' }, errors: [] }
  return { ...base, identityPolicies, resourcePolicy }
}

const VERDICTS = { Allowed: 'allowed', ExplicitlyDenied: 'explicitly denied', ImplicitlyDenied: 'implicitly denied' }

function judge(line) {
  try {
    const result = runUnsafeSimulation(simulation(JSON.parse(line)), {})
    const verdict = VERDICTS[result]
    if (!verdict) return { error: `unexpected simulator result ${JSON.stringify(result)}` }
    return { verdict }
  } catch (e) {
    return { error: String((e && e.message) || e) }
  }
}

const lines = createInterface({ input: process.stdin, crlfDelay: Infinity })
for await (const line of lines) {
  if (line.trim() === '') continue
  process.stdout.write(JSON.stringify(judge(line)) + '\n')
}
