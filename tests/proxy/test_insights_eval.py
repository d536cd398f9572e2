"""Unit tests of the Logs Insights evaluator the test proxy runs queries with
(run by tests/monitoring.rs: `python -m unittest test_insights_eval`)."""

import json
import unittest

import insights_eval as ev

BASE = 1795600800000  # 2026-11-25 10:00:00 UTC


def records():
    def e(sec, **doc):
        return ev.record({"timestamp": BASE + sec * 1000, "message": json.dumps(doc), "logStreamName": "s"}, "g", "1")

    return [
        e(0, eventName="DeleteBucket", userIdentity={"type": "IAMUser", "userName": "alice"}, errorCode="AccessDenied", sourceIPAddress="10.1.2.3", resources=[{"ARN": "arn:b1"}]),
        e(60, eventName="DeleteBucket", userIdentity={"type": "IAMUser", "userName": "alice"}, errorCode="AccessDenied", sourceIPAddress="203.0.113.5"),
        e(3600, eventName="ConsoleLogin", userIdentity={"type": "Root"}, responseElements={"ConsoleLogin": "Success"}, sourceIPAddress="198.51.100.7"),
        e(3700, eventName="PutRolePolicy", userIdentity={"type": "IAMUser", "userName": "bob"}, sourceIPAddress="10.9.9.9", bytes=40),
        ev.record({"timestamp": BASE + 3800 * 1000, "message": "user=carol ip=192.0.2.1 action=login"}, "g", "1"),
    ]


def rows(query, limit=None):
    results, stats = ev.run(query, records(), limit)
    return [{c["field"]: c["value"] for c in r if c["field"] != "@ptr"} for r in results], stats


class Evaluator(unittest.TestCase):
    def test_json_fields_are_flattened_and_nested_values_kept_whole(self):
        r, _ = rows("fields userIdentity.userName, resources.0.ARN, responseElements | filter eventName = 'DeleteBucket' | limit 1")
        self.assertEqual(r, [{"userIdentity.userName": "alice", "resources.0.ARN": "arn:b1"}])
        r, _ = rows("fields responseElements | filter ispresent(responseElements)")
        self.assertEqual(r, [{"responseElements": '{"ConsoleLogin":"Success"}'}])

    def test_filters(self):
        def names(q):
            return [x.get("eventName") for x in rows("fields eventName | " + q)[0]]

        self.assertEqual(names("filter ispresent(errorCode)"), ["DeleteBucket", "DeleteBucket"])
        self.assertEqual(names("filter not ispresent(errorCode) and ispresent(eventName)"), ["ConsoleLogin", "PutRolePolicy"])
        self.assertEqual(names("filter eventName like /Policy|Login/"), ["ConsoleLogin", "PutRolePolicy"])
        self.assertEqual(names('filter eventName not like "Delete"'), ["ConsoleLogin", "PutRolePolicy", None])
        self.assertEqual(names('filter isIpInSubnet(sourceIPAddress, "10.0.0.0/8")'), ["DeleteBucket", "PutRolePolicy"])
        self.assertEqual(names("filter bytes > 39 or userIdentity.type = 'Root'"), ["ConsoleLogin", "PutRolePolicy"])
        self.assertEqual(names("filter eventName in ['ConsoleLogin', 'PutRolePolicy'] and (bytes < 41)"), ["PutRolePolicy"])

    def test_stats_by_fields_and_bins_then_sort(self):
        r, stats = rows("filter ispresent(eventName) | stats count(*) as n, count_distinct(sourceIPAddress) as ips by userIdentity.type | sort n desc")
        self.assertEqual(r[0], {"userIdentity.type": "IAMUser", "n": "3", "ips": "3"})
        self.assertEqual(stats["recordsMatched"], 4.0)
        self.assertEqual(stats["recordsScanned"], 5.0)
        r, _ = rows("stats count(*) as calls by bin(1h) as hour | sort hour asc")
        self.assertEqual(r, [{"hour": "2026-11-25 10:00:00.000", "calls": "2"}, {"hour": "2026-11-25 11:00:00.000", "calls": "3"}])
        r, _ = rows("stats sum(bytes) as total, avg(bytes) as mean, max(bytes), count()")
        self.assertEqual(r, [{"total": "40", "mean": "40", "max(bytes)": "40", "count()": "5"}])

    def test_sort_limit_dedup_display_and_defaults(self):
        r, _ = rows("fields @timestamp, eventName | filter ispresent(eventName) | sort @timestamp desc | limit 2")
        self.assertEqual([x["eventName"] for x in r], ["PutRolePolicy", "ConsoleLogin"])
        self.assertEqual(r[1]["@timestamp"], "2026-11-25 11:00:00.000")
        r, _ = rows("fields eventName, sourceIPAddress | dedup eventName | display eventName")
        self.assertEqual(r, [{"eventName": n} for n in ["DeleteBucket", "ConsoleLogin", "PutRolePolicy"]] + [{}])
        r, _ = rows("filter eventName = 'ConsoleLogin'")
        self.assertEqual(sorted(r[0]), ["@message", "@timestamp"])
        self.assertEqual(len(rows("fields eventName", limit=3)[0]), 3)

    def test_parse(self):
        r, _ = rows('parse @message "user=* ip=* action=*" as user, ip, action | filter ispresent(user) | display user, ip, action')
        self.assertEqual(r, [{"user": "carol", "ip": "192.0.2.1", "action": "login"}])
        r, _ = rows("parse @message /user=(?<who>\\w+)/ | filter ispresent(who) | display who")
        self.assertEqual(r, [{"who": "carol"}])

    def test_malformed_queries_are_refused(self):
        for q in ["select a", "filter errorCode exists", "fields a | sort", "stats by a", "filter (a = 1", "fields a |"]:
            with self.assertRaises((ev.QueryError, IndexError, ValueError), msg=q):
                ev.run(q, records())


if __name__ == "__main__":
    unittest.main()
