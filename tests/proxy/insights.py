"""Logs Insights for the test proxy: saved queries and running queries.

The emulator answers PutQueryDefinition / DescribeQueryDefinitions /
DeleteQueryDefinition with 500; the proxy keeps them per region, with the
semantics CloudWatch Logs documents: Put without an id creates a definition
with a new id, Put with an id replaces that definition, Describe filters by
name prefix.

The emulator's StartQuery ignores the query (every event comes back, with only
`@` fields); the proxy serves StartQuery / GetQueryResults / StopQuery itself:
it reads the log groups' events in the time range from the emulator
(FilterLogEvents) and runs the query with insights_eval. The first
GetQueryResults of a query answers "Running", as a real query would for a
while, so callers must poll.
"""

import re
import threading
import time
import uuid

import insights_eval

LOCK = threading.Lock()
# region -> {id: definition}
DEFINITIONS: dict[str, dict[str, dict]] = {}
# query id -> {"status", "results", "statistics", "polls"}
QUERIES: dict[str, dict] = {}

OPERATIONS = (
    "PutQueryDefinition",
    "DescribeQueryDefinitions",
    "DeleteQueryDefinition",
    "StartQuery",
    "GetQueryResults",
    "StopQuery",
)
ACCOUNT = "123456789012"


def forget():
    with LOCK:
        DEFINITIONS.clear()
        QUERIES.clear()


def _groups(req: dict):
    groups = list(req.get("logGroupNames") or [])
    if req.get("logGroupName"):
        groups.append(req["logGroupName"])
    for ident in req.get("logGroupIdentifiers") or []:
        # An ARN (arn:aws:logs:region:account:log-group:NAME[:*]) or a name.
        if ident.startswith("arn:"):
            ident = ident.split(":log-group:", 1)[1].removesuffix(":*")
        groups.append(ident)
    return groups


def start_query(req: dict, fetch):
    """StartQuery: runs the query now; fetch(group, start_ms, end_ms) returns
    the group's events or None when the group does not exist."""
    groups = _groups(req)
    if not groups or not req.get("queryString"):
        return 400, {"__type": "InvalidParameterException", "message": "log groups and queryString are required"}
    start_ms, end_ms = int(req.get("startTime", 0)) * 1000, int(req.get("endTime", 0)) * 1000 + 999
    records = []
    for group in groups:
        events = fetch(group, start_ms, end_ms)
        if events is None:
            return 400, {"__type": "ResourceNotFoundException", "message": f"Log group '{group}' does not exist"}
        records.extend(insights_eval.record(e, group, ACCOUNT) for e in events)
    records.sort(key=lambda r: r["@timestamp"])
    try:
        results, statistics = insights_eval.run(req["queryString"], records, req.get("limit"))
    except (insights_eval.QueryError, re.error, ValueError, IndexError) as e:
        return 400, {"__type": "MalformedQueryException", "message": str(e)}
    qid = str(uuid.uuid4())
    with LOCK:
        QUERIES[qid] = {"results": results, "statistics": statistics, "polls": 0, "status": "Complete"}
    return 200, {"queryId": qid}


def query_results(req: dict):
    with LOCK:
        q = QUERIES.get(req.get("queryId", ""))
        if q is None:
            return 400, {"__type": "ResourceNotFoundException", "message": "Query does not exist"}
        q["polls"] += 1
        if q["polls"] == 1 and q["status"] == "Complete":
            return 200, {"status": "Running", "results": [], "statistics": {}}
        return 200, {"status": q["status"], "results": q["results"], "statistics": q["statistics"]}


def serve(name: str, region: str, req: dict, fetch=None):
    """(status, JSON document) for one call."""
    if name == "StartQuery":
        return start_query(req, fetch)
    if name == "GetQueryResults":
        return query_results(req)
    if name == "StopQuery":
        with LOCK:
            q = QUERIES.get(req.get("queryId", ""))
            if q is None:
                return 400, {"__type": "ResourceNotFoundException", "message": "Query does not exist"}
            q["status"] = "Cancelled"
            return 200, {"success": True}
    with LOCK:
        defs = DEFINITIONS.setdefault(region, {})
        if name == "PutQueryDefinition":
            qid = req.get("queryDefinitionId")
            if qid and qid not in defs:
                return 400, {"__type": "ResourceNotFoundException", "message": f"Query definition {qid} does not exist"}
            if not req.get("name") or not req.get("queryString"):
                return 400, {"__type": "InvalidParameterException", "message": "name and queryString are required"}
            qid = qid or str(uuid.uuid4())
            defs[qid] = {
                "queryDefinitionId": qid,
                "name": req["name"],
                "queryString": req["queryString"],
                "lastModified": int(time.time() * 1000),
                "logGroupNames": list(req.get("logGroupNames") or []),
            }
            return 200, {"queryDefinitionId": qid}
        if name == "DeleteQueryDefinition":
            qid = req.get("queryDefinitionId")
            if qid not in defs:
                return 400, {"__type": "ResourceNotFoundException", "message": f"Query definition {qid} does not exist"}
            del defs[qid]
            return 200, {"success": True}
        prefix = req.get("queryDefinitionNamePrefix") or ""
        found = sorted((d for d in defs.values() if d["name"].startswith(prefix)), key=lambda d: d["name"])
        start = int(req.get("nextToken") or 0)
        size = int(req.get("maxResults") or 20)
        page = found[start : start + size]
        out = {"queryDefinitions": [dict(d) for d in page]}
        if start + size < len(found):
            out["nextToken"] = str(start + size)
        return 200, out
