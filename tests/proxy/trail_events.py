"""CloudTrail's newer trail settings, which the emulator lacks, as the test
proxy serves and checks them (pure functions; the proxy keeps the state).

  * Insights on data events: InsightSelector.EventCategories (Management,
    Data). CloudTrail API Reference, InsightSelector and PutInsightSelectors
    (https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_InsightSelector.html,
    https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_PutInsightSelectors.html):
    "For Data events Insights: To log CloudTrail Insights on the API call
    rate or API error rate, the trail must log read or write data events."
  * Aggregated events: Put/GetEventConfiguration with
    AggregationConfigurations (API Reference, PutEventConfiguration and
    AggregationConfiguration: at most 1 configuration; EventCategory Data;
    1 to 50 Templates of API_ACTIVITY, RESOURCE_ACCESS, USER_ACTIONS). The
    User Guide ("Aggregating data events",
    https://docs.aws.amazon.com/awscloudtrail/latest/userguide/aggregating-data-events.html)
    enables aggregation "on a trail that collects data events".
  * Recursive logging: the trail's RecursiveLogging (CreateTrail,
    UpdateTrail, GetTrail; User Guide, "Suppressing recursive events with
    recursive logging",
    https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-trail-recursive-logging.html):
    a boolean, true by default on every trail.

Where a page names no exception for a refusal, the one used is said beside it.
"""

from aws_rules import Refusal, refused

CATEGORIES = ("Management", "Data")
AGGREGATION_CATEGORIES = ("Data",)
TEMPLATES = ("API_ACTIVITY", "RESOURCE_ACCESS", "USER_ACTIONS")


def logs_data_events(selectors: dict) -> bool:
    """Whether GetEventSelectors' answer logs data events of any type."""
    basic = any(s.get("DataResources") for s in selectors.get("EventSelectors") or [])
    advanced = any(
        any(f.get("Field") == "eventCategory" and "Data" in (f.get("Equals") or []) for f in s.get("FieldSelectors") or [])
        for s in selectors.get("AdvancedEventSelectors") or []
    )
    return basic or advanced


def check_insight_categories(selectors: list, data_events: bool):
    """PutInsightSelectors' EventCategories: known values, and data events
    logged for Insights on them. The page names no exception for the
    latter; InvalidInsightSelectorsException is PutInsightSelectors' own."""
    for s in selectors:
        categories = s.get("EventCategories")
        if categories is None:
            continue
        if not isinstance(categories, list) or any(c not in CATEGORIES for c in categories):
            raise Refusal(
                "InvalidParameterException",
                f"EventCategories {categories!r} is not valid; valid values: {', '.join(CATEGORIES)}.",
            )
        if "Data" in categories and not data_events:
            raise Refusal(
                "InvalidInsightSelectorsException",
                "Insights on data events need the trail to log read or write data events.",
            )


def insight_selectors_kept(put: list, before: list) -> list:
    """What PutInsightSelectors leaves on the trail, as GetInsightSelectors
    answers it: one selector per type put, each naming its EventCategories.
    The InsightSelector page says a selector without EventCategories enables
    the type "on management API calls by default", and that given
    categories "overwrite the existing ones"; it does not say whether
    leaving them out turns off Data enabled before. The proxy takes the
    reading under which it does not (Management is added to what the type
    had), so a client converges only if it names the categories it wants."""
    had = {s.get("InsightType"): s.get("EventCategories") or ["Management"] for s in before or []}
    kept = []
    for s in put:
        categories = s.get("EventCategories")
        if categories is None:
            categories = list(had.get(s.get("InsightType"), []))
            if "Management" not in categories:
                categories.append("Management")
        kept.append({**s, "EventCategories": categories})
    return kept


def check_event_configuration(req: dict, data_events: bool) -> list:
    """PutEventConfiguration on a trail; returns the aggregation kept. The
    page names no exception for aggregation on a trail without data events;
    InvalidParameterCombinationException is among the operation's own."""
    if req.get("EventDataStore"):
        raise Refusal("UnsupportedOperationException", "The test proxy serves event configuration for trails only.")
    if req.get("MaxEventSize") or req.get("ContextKeySelectors"):
        raise Refusal(
            "InvalidParameterCombinationException",
            "MaxEventSize and ContextKeySelectors apply to event data stores, not trails.",
        )
    configs = req.get("AggregationConfigurations") or []
    if not isinstance(configs, list) or len(configs) > 1:
        raise Refusal("InvalidParameterException", "AggregationConfigurations holds at most 1 item.")
    for c in configs:
        if c.get("EventCategory") not in AGGREGATION_CATEGORIES:
            raise Refusal(
                "InvalidParameterException",
                f"EventCategory {c.get('EventCategory')!r} is not valid; valid values: {', '.join(AGGREGATION_CATEGORIES)}.",
            )
        templates = c.get("Templates")
        if not isinstance(templates, list) or not 1 <= len(templates) <= 50:
            raise Refusal("InvalidParameterException", "Templates holds 1 to 50 items.")
        bad = [t for t in templates if t not in TEMPLATES]
        if bad:
            raise Refusal(
                "InvalidParameterException",
                f"Templates {bad!r} are not valid; valid values: {', '.join(TEMPLATES)}.",
            )
    if configs and not data_events:
        raise Refusal(
            "InvalidParameterCombinationException",
            "Aggregation needs the trail to log data events.",
        )
    return configs


def check_recursive_logging(req: dict):
    """CreateTrail / UpdateTrail: RecursiveLogging is a boolean (CloudTrail's
    JSON protocol refuses another type before looking further)."""
    if "RecursiveLogging" in req and not isinstance(req["RecursiveLogging"], bool):
        raise Refusal("SerializationException", "RecursiveLogging must be a boolean.")


def _self_test():
    """Each rule with a setting AWS accepts and one it refuses
    (run by tests/kinds.rs: `python trail_events.py`)."""

    data = {"EventSelectors": [{"DataResources": [{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3"]}]}]}
    advanced = {"AdvancedEventSelectors": [{"FieldSelectors": [{"Field": "eventCategory", "Equals": ["Data"]}]}]}
    management = {"EventSelectors": [{"ReadWriteType": "All", "IncludeManagementEvents": True, "DataResources": []}]}
    assert logs_data_events(data) and logs_data_events(advanced) and not logs_data_events(management)

    on_data = [{"InsightType": "ApiCallRateInsight", "EventCategories": ["Management", "Data"]}]
    assert refused(check_insight_categories, on_data, True) is None
    assert refused(check_insight_categories, on_data, False) == "InvalidInsightSelectorsException"
    assert refused(check_insight_categories, [{"InsightType": "ApiCallRateInsight"}], False) is None
    assert refused(check_insight_categories, [{"EventCategories": ["Network"]}], True) == "InvalidParameterException"

    call, error = "ApiCallRateInsight", "ApiErrorRateInsight"
    both = [{"InsightType": call, "EventCategories": ["Data", "Management"]}]
    assert insight_selectors_kept([{"InsightType": call}], []) == [{"InsightType": call, "EventCategories": ["Management"]}]
    assert insight_selectors_kept([{"InsightType": call}], both) == both
    assert insight_selectors_kept([{"InsightType": call, "EventCategories": ["Management"]}], both) == [
        {"InsightType": call, "EventCategories": ["Management"]}
    ]
    assert insight_selectors_kept([{"InsightType": error}], both) == [{"InsightType": error, "EventCategories": ["Management"]}]
    assert insight_selectors_kept([], both) == []

    def put(*templates, category="Data"):
        return {"TrailName": "t", "AggregationConfigurations": [{"EventCategory": category, "Templates": list(templates)}]}

    assert refused(check_event_configuration, put("API_ACTIVITY", "USER_ACTIONS"), True) is None
    assert refused(check_event_configuration, put("API_ACTIVITY"), False) == "InvalidParameterCombinationException"
    assert refused(check_event_configuration, {"TrailName": "t", "AggregationConfigurations": []}, False) is None
    assert refused(check_event_configuration, put(), True) == "InvalidParameterException"
    assert refused(check_event_configuration, put("EVERYTHING"), True) == "InvalidParameterException"
    assert refused(check_event_configuration, put("API_ACTIVITY", category="Management"), True) == "InvalidParameterException"
    two = {"TrailName": "t", "AggregationConfigurations": put("API_ACTIVITY")["AggregationConfigurations"] * 2}
    assert refused(check_event_configuration, two, True) == "InvalidParameterException"

    assert refused(check_recursive_logging, {"RecursiveLogging": False}) is None
    assert refused(check_recursive_logging, {}) is None
    assert refused(check_recursive_logging, {"RecursiveLogging": "false"}) == "SerializationException"
    print("trail_events: ok")


if __name__ == "__main__":
    _self_test()
