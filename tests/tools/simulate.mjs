#!/usr/bin/env node
// Evaluates a batch of IAM requests with @cloud-copilot/iam-simulate (AGPL-3.0-or-later).
//
// TEST-ONLY.  iam-simulate is a devDependency used by tests/integration; it is never
// part of the Python package or of anything this project ships.
//
// stdin: a JSON array of requests, each
//   {
//     "id": "any string, echoed back",
//     "principal": "arn:aws:iam::111122223333:role/x"  (or a service, e.g. "elasticmapreduce.amazonaws.com"),
//     "action": "ec2:CreateNetworkInterface",
//     "resource": "arn:aws:ec2:eu-west-1:111122223333:network-interface/eni-0",  ("*" for wildcard-only actions)
//     "resourceAccount": "111122223333",                (default: the account in the resource ARN, else the principal's)
//     "identityPolicies": [ {policy document}, ... ],   (default: none)
//     "resourcePolicy": {policy document},              (optional: bucket / key / trust policy)
//     "sessionPolicy": {policy document},               (optional: a role session's policy; the
//                                                        principal is then an assumed-role ARN)
//     "context": { "aws:ResourceTag/k": "true", ... }   (optional)
//   }
// stdout: a JSON array, one entry per request, in order:
//   { "id", "decision": "Allowed" | "Denied" | "Error", "detail": "Allowed" | "ImplicitlyDenied" |
//     "ExplicitlyDenied" | <error message>, "resultType", "ignoredContextKeys": [...], "errors" }
//
// One process evaluates the whole batch, so that the tests start Node once, not once a request.

import './locale_compare.mjs'
import { runSimulation } from '@cloud-copilot/iam-simulate'

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

async function evaluate(request) {
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
    identityPolicies: (request.identityPolicies ?? []).map((policy, i) => ({
      name: `policy${i}`,
      policy
    })),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy: request.resourcePolicy ?? undefined,
    sessionPolicy: request.sessionPolicy ?? undefined
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
if (!Array.isArray(input)) {
  console.error('simulate.mjs: stdin must be a JSON array of requests')
  process.exit(2)
}
const results = []
for (const request of input) results.push(await evaluate(request))
process.stdout.write(JSON.stringify(results))
