#!/usr/bin/env node
// Evaluates a batch of IAM requests with @cloud-copilot/iam-simulate (AGPL-3.0-or-later).
//
// TEST-ONLY.  iam-simulate is a devDependency used by tests/integration; it is never
// part of the Python package or of anything this project ships.
//
// stdin: {"policies": [ {policy document}, ... ], "requests": [ request, ... ]}, each request
//   {
//     "id": "any string, echoed back",
//     "principal": "arn:aws:iam::111122223333:role/x"  (or a service, e.g. "elasticmapreduce.amazonaws.com"),
//     "action": "ec2:CreateNetworkInterface",
//     "resource": "arn:aws:ec2:eu-west-1:111122223333:network-interface/eni-0",  ("*" for wildcard-only actions)
//     "resourceAccount": "111122223333",                (default: the account in the resource ARN, else the principal's)
//     "identityPolicies": [ 0, 3, ... ],                (default: none)
//     "resourcePolicy": 1,                              (optional: bucket / key / trust policy)
//     "sessionPolicy": 2,                               (optional: a role session's policy; the
//                                                        principal is then an assumed-role ARN)
//     "context": { "aws:ResourceTag/k": "true", ... }   (optional)
//   }
//   where a policy is given by its index in "policies": a batch holds a few distinct policies
//   that many requests share, so each is sent, parsed and validated once (iam-policy's
//   ValidatedPolicy, which runSimulation takes in place of a document and does not validate
//   again) instead of once per request.
// stdout: a JSON array, one entry per request, in order:
//   { "id", "decision": "Allowed" | "Denied" | "Error", "detail": "Allowed" | "ImplicitlyDenied" |
//     "ExplicitlyDenied" | <error message>, "resultType", "ignoredContextKeys": [...], "errors" }
//
// One process evaluates the whole batch, so that the tests start Node once, not once a request.

import './locale_compare.mjs'
import { createValidatedPolicy, validateIdentityPolicy, validateResourcePolicy } from '@cloud-copilot/iam-policy'
import { runSimulation } from '@cloud-copilot/iam-simulate'

// Each policy of the batch, validated once for each way it is used (runSimulation validates an
// identity or session policy with validateIdentityPolicy, a resource policy with
// validateResourcePolicy, and reuses a ValidatedPolicy's errors).
function validatedPolicies(policies) {
  const validated = { identity: new Map(), resource: new Map() }
  const validate = { identity: validateIdentityPolicy, resource: validateResourcePolicy }
  return (kind, index) => {
    if (!Number.isInteger(index) || index < 0 || index >= policies.length) {
      throw new Error(`simulate.mjs: no policy ${JSON.stringify(index)} in the batch`)
    }
    if (!validated[kind].has(index)) {
      validated[kind].set(index, createValidatedPolicy(policies[index], validate[kind]))
    }
    return validated[kind].get(index)
  }
}

function accountOf(arn) {
  if (typeof arn !== 'string' || !arn.startsWith('arn:')) return undefined
  const account = arn.split(':')[4]
  return account ? account : undefined
}

async function readStdin() {
  const chunks = []
  for await (const chunk of process.stdin) chunks.push(chunk)
  return Buffer.concat(chunks).toString('utf8')
}

async function evaluate(request, policy) {
  const principalAccount = accountOf(request.principal)
  const simulation = {
    request: {
      principal: request.principal,
      action: request.action,
      resource: {
        resource: request.resource,
        accountId:
          request.resourceAccount ?? accountOf(request.resource) ?? principalAccount ?? '000000000000'
      },
      contextVariables: request.context ?? {}
    },
    identityPolicies: (request.identityPolicies ?? []).map((index, i) => ({
      name: `policy${i}`,
      policy: policy('identity', index)
    })),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy: request.resourcePolicy == null ? undefined : policy('resource', request.resourcePolicy),
    sessionPolicy: request.sessionPolicy == null ? undefined : policy('identity', request.sessionPolicy)
  }
  let response
  try {
    response = await runSimulation(simulation, {})
  } catch (error) {
    return { id: request.id, decision: 'Error', detail: String(error), resultType: 'exception' }
  }
  if (response.resultType === 'error') {
    return {
      id: request.id,
      decision: 'Error',
      detail: response.errors?.message ?? 'error',
      resultType: 'error',
      errors: response.errors
    }
  }
  const ignored =
    response.resultType === 'single'
      ? response.result?.ignoredContextKeys ?? []
      : [...new Set((response.results ?? []).flatMap((r) => r.ignoredContextKeys ?? []))]
  return {
    id: request.id,
    decision: response.overallResult === 'Allowed' ? 'Allowed' : 'Denied',
    detail: response.overallResult,
    resultType: response.resultType,
    ignoredContextKeys: ignored
  }
}

const input = JSON.parse(await readStdin())
if (!Array.isArray(input?.policies) || !Array.isArray(input?.requests)) {
  console.error('simulate.mjs: stdin must be {"policies": [...], "requests": [...]}')
  process.exit(2)
}
const policy = validatedPolicies(input.policies)
const results = []
for (const request of input.requests) results.push(await evaluate(request, policy))
process.stdout.write(JSON.stringify(results))
