//! `LiveReads` for the clients of one account in one region: each read is
//! a kind's named read.

use super::{Clients, ReadError};
use crate::cloudtrail::event_selectors::{self, EventSelectors};
use crate::cloudtrail::trail::{self, Listed, Status};
use crate::kms::key_rotation;
use crate::live::{DeliveryReads, LiveReads};
use crate::logs::group;
use crate::monitoring::metric_alarm::{self, MetricAlarm};
use crate::monitoring::metric_filter::{self, MetricFilter};
use crate::s3::bucket;
use crate::s3::logging::{self, Logging};
use crate::s3::versioning;
use crate::sns::subscription;

impl LiveReads for Clients {
    fn region(&self) -> &str {
        &self.region
    }

    fn in_region(&self, region: &str) -> Self {
        Clients::in_region(self, region)
    }

    async fn account_id(&self) -> Result<String, ReadError> {
        super::account::account_id(self).await
    }

    async fn trails(&self) -> Result<Vec<Listed>, ReadError> {
        trail::describe_all(self).await
    }

    async fn trail_status(&self, trail: &str) -> Result<Option<Status>, ReadError> {
        trail::status(self, trail).await
    }

    async fn event_selectors(&self, trail: &str) -> Result<Option<EventSelectors>, ReadError> {
        event_selectors::of_trail(self, trail).await
    }

    async fn bucket_logging(&self, bucket: &str) -> Result<Option<Logging>, ReadError> {
        logging::get(self, bucket).await
    }

    async fn mfa_delete(&self, bucket: &str) -> Result<bool, ReadError> {
        versioning::mfa_delete(self, bucket).await
    }

    async fn key_rotation(&self, key: &str) -> Result<bool, ReadError> {
        key_rotation::enabled(self, key).await
    }

    async fn alarms(&self) -> Result<Vec<MetricAlarm>, ReadError> {
        metric_alarm::all(self).await
    }

    async fn metric_filters(&self, log_group: &str) -> Result<Vec<MetricFilter>, ReadError> {
        metric_filter::on_log_group(self, log_group).await
    }

    async fn subscriptions(
        &self,
        topic: &str,
    ) -> Result<Option<Vec<subscription::Listed>>, ReadError> {
        subscription::of_topic(self, topic).await
    }
}

impl DeliveryReads for Clients {
    async fn trail(&self, name: &str) -> Result<Option<Listed>, ReadError> {
        trail::describe_named(self, name).await
    }

    async fn list_trails(&self) -> Result<Vec<String>, ReadError> {
        trail::list_trails(self).await
    }

    async fn newest_event(&self, group: &str, stream: &str) -> Result<Option<i64>, ReadError> {
        group::newest_event(self, group, stream).await
    }

    async fn filter_matches(&self, pattern: &str, message: String) -> Result<bool, ReadError> {
        metric_filter::matches(self, pattern, message).await
    }

    async fn newest_object(
        &self,
        bucket: &str,
        prefixes: &[String],
    ) -> Result<Option<(String, i64)>, ReadError> {
        bucket::newest_object(self, bucket, prefixes).await
    }
}
