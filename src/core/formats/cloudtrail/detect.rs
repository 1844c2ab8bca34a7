//! Which files are CloudTrail's: from the first record's keys, or a document's top-level keys.

use crate::core::sniff::{Node, Shape, Sniff};

/// Whether a first record is a CloudTrail Insights event. Its `eventSource` and `eventName` lie
/// in `insightDetails`; its values are deeper than the skim records, so the type (always
/// `AwsCloudTrailInsight`) or the category (`Insight`) is looked for in the skimmed text. Alibaba
/// ActionTrail's Insights records spell `eventId` and `sharedEventId`.
fn is_insight(node: &Node, head: &str) -> bool {
    node.has("insightDetails")
        && node.has("eventID")
        && node.has("sharedEventID")
        && (head.contains("\"AwsCloudTrailInsight\"") || head.contains("\"Insight\""))
}

pub(super) fn detect(sniff: &Sniff) -> bool {
    let record = |node: &Node| {
        // S3 event notifications share `eventName`/`eventSource` but carry `s3` and no `eventID`.
        node.has("eventName") && node.has("eventSource") && node.has("eventID") && !node.has("s3")
    };
    let only = |top: &Node, allowed: &[&str]| match top {
        Node::Object(keys) => keys.iter().all(|(k, _)| allowed.contains(&k.as_ref())),
        _ => false,
    };
    match sniff.shape {
        Shape::Object => {
            let top = &sniff.value;
            // A trail's files: API calls, Insights events (in `CloudTrail-Insight/`), or none.
            let log = top.get("Records").is_some_and(|r| match r {
                Node::Array(Some(first)) => record(first) || is_insight(first, sniff.head),
                Node::Array(None) => only(top, &["Records"]),
                _ => false,
            });
            let lookup = top.get("Events").is_some_and(|e| match e {
                Node::Array(Some(first)) => first.has("CloudTrailEvent") || first.has("EventId"),
                // No events found: `{"Events": []}`, perhaps with a `NextToken`.
                Node::Array(None) => only(top, &["Events", "NextToken"]),
                _ => false,
            });
            let digest = top.has("digestStartTime") && top.has("logFiles");
            log || lookup || digest || record(top)
        }
        Shape::Array | Shape::JsonLines => sniff.record().is_some_and(record),
        _ => false,
    }
}
