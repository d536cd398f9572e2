//! AWS clients from the standard credential chain (environment, profiles, SSO,
//! assume-role), with the endpoint override AWS_ENDPOINT_URL honoured and
//! path-style S3 addressing whenever an endpoint is overridden.

use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region};

use super::attempts::{RetryReporter, Watch};

/// Where and as whom to talk to AWS.
#[derive(Debug, Clone, Default)]
pub struct Connection {
    /// A named profile from the shared config files (`--profile`).
    pub profile: Option<String>,
    /// The region to use; the spec's home region when `None`.
    pub region: Option<String>,
    /// Another endpoint for every service (`--endpoint-url`, as the AWS CLI
    /// spells it); AWS_ENDPOINT_URL does the same from the environment.
    pub endpoint_url: Option<String>,
    /// Told of every call the SDK tries again (reads), as the attempt starts.
    pub on_retry: Option<RetryReporter>,
}

/// One client per service ctrail reads or changes.
#[derive(Clone, Debug)]
pub struct Clients {
    pub region: String,
    pub sts: aws_sdk_sts::Client,
    pub s3: aws_sdk_s3::Client,
    pub iam: aws_sdk_iam::Client,
    pub logs: aws_sdk_cloudwatchlogs::Client,
    pub cloudtrail: aws_sdk_cloudtrail::Client,
    pub cloudwatch: aws_sdk_cloudwatch::Client,
    pub kms: aws_sdk_kms::Client,
    pub sns: aws_sdk_sns::Client,
    pub organizations: aws_sdk_organizations::Client,
    /// The account whose organization trail `cloudtrail` manages from the
    /// organization's delegated administrator (`trail.delegated_admin`):
    /// each CloudTrail call then names the trail by its ARN in that
    /// account (`trail_id`). `None`: the trail is the caller's own.
    pub trail_owner: Option<String>,
    /// What every client's interceptor watches (`attempts`), for clients
    /// moved to another region (`in_region`).
    watch: Watch,
}

impl Clients {
    /// How a CloudTrail call names the trail `name`: by its ARN in the
    /// management account from a delegated administrator, where CloudTrail
    /// finds an organization trail by ARN only and answers
    /// TrailNotFoundException to its name (CloudTrail User Guide,
    /// "Organization delegated administrator": the management account
    /// owns the trails a delegated administrator creates;
    /// terraform-provider-aws #28440 and PR #30758,
    /// cloudformation-coverage-roadmap #1932); by its name otherwise. A
    /// name that is already an ARN is kept.
    pub fn trail_id(&self, name: &str) -> String {
        match &self.trail_owner {
            Some(owner) if !name.starts_with("arn:") => format!(
                "arn:{}:cloudtrail:{}:{owner}:trail/{name}",
                ctrail_spec::rules::regions::partition(&self.region),
                self.region
            ),
            _ => name.to_owned(),
        }
    }

    /// The same clients (credentials, endpoint, retries, watch) in
    /// `region`: what an ARN places in another region than these clients'
    /// (a multi-region trail's home, its log group, alarms and topic) is
    /// read there. These clients themselves for their own region or none.
    pub fn in_region(&self, region: &str) -> Clients {
        if region.is_empty() || region == self.region {
            return self.clone();
        }
        let there = Region::new(region.to_owned());
        // Watched as that region's: a first contact that cannot connect
        // names it, and ends at once whatever the home region answered.
        let watch = self.watch.in_region(region);
        macro_rules! moved {
            ($client:expr, $sdk:ident, $service:literal) => {{
                let mut moved = $client.config().to_builder().region(there.clone());
                moved.set_interceptors([$sdk::config::SharedInterceptor::new(watch.of($service))]);
                $sdk::Client::from_conf(moved.build())
            }};
        }
        Clients {
            region: region.to_owned(),
            sts: moved!(self.sts, aws_sdk_sts, "sts"),
            s3: moved!(self.s3, aws_sdk_s3, "s3"),
            iam: self.iam.clone(),
            logs: moved!(self.logs, aws_sdk_cloudwatchlogs, "logs"),
            cloudtrail: moved!(self.cloudtrail, aws_sdk_cloudtrail, "cloudtrail"),
            cloudwatch: moved!(self.cloudwatch, aws_sdk_cloudwatch, "cloudwatch"),
            kms: moved!(self.kms, aws_sdk_kms, "kms"),
            sns: moved!(self.sns, aws_sdk_sns, "sns"),
            organizations: self.organizations.clone(),
            trail_owner: self.trail_owner.clone(),
            watch,
        }
    }
}

fn endpoint_overridden() -> bool {
    ["AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3"]
        .iter()
        .any(|v| std::env::var_os(v).is_some_and(|s| !s.is_empty()))
}

/// How long a connection may take to be made, for every call.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// Who retries failed calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retries {
    /// The SDK's standard retries, 8 attempts (reads).
    Sdk,
    /// None in the SDK: the caller classifies and retries (the executor),
    /// with a timeout per attempt so a dropped connection fails fast.
    Caller,
}

/// The SDK configuration for `conn`: its profile, region and endpoint, and
/// who retries.
fn loader(conn: &Connection, home_region: &str, retries: Retries) -> aws_config::ConfigLoader {
    let region = conn
        .region
        .clone()
        .unwrap_or_else(|| home_region.to_owned());
    let mut loader = aws_config::defaults(BehaviorVersion::latest()).region(Region::new(region));
    if let Some(p) = &conn.profile {
        loader = loader.profile_name(p);
    }
    if let Some(url) = &conn.endpoint_url {
        loader = loader.endpoint_url(url);
    }
    match retries {
        // Reads retry throttling, 5xx and dropped connections as the
        // executor does: up to 8 attempts with exponential backoff; a
        // connection not made within the connect timeout is one failed
        // attempt, not a wait without end.
        Retries::Sdk => loader
            .retry_config(RetryConfig::standard().with_max_attempts(8))
            .timeout_config(
                TimeoutConfig::builder()
                    .connect_timeout(CONNECT_TIMEOUT)
                    .build(),
            ),
        Retries::Caller => loader.retry_config(RetryConfig::disabled()).timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(CONNECT_TIMEOUT)
                .operation_attempt_timeout(Duration::from_secs(30))
                .build(),
        ),
    }
}

impl Clients {
    pub async fn connect(conn: &Connection, home_region: &str) -> Clients {
        Self::connect_with(conn, home_region, Retries::Sdk).await
    }

    pub async fn connect_with(conn: &Connection, home_region: &str, retries: Retries) -> Clients {
        let config = loader(conn, home_region, retries).load().await;
        Self::observed(&config, conn.on_retry.clone())
    }

    /// The clients of an account reached by assuming `role` from the
    /// caller's credentials (aws-config's AssumeRoleProvider: sts:AssumeRole
    /// on first use, credentials refreshed before they expire).
    pub async fn assume(
        conn: &Connection,
        home_region: &str,
        retries: Retries,
        role: &str,
        external_id: Option<&str>,
        session_name: &str,
    ) -> Clients {
        let caller = loader(conn, home_region, Retries::Sdk).load().await;
        let mut provider = aws_config::sts::AssumeRoleProvider::builder(role)
            .session_name(session_name)
            .configure(&caller);
        if let Some(id) = external_id {
            provider = provider.external_id(id);
        }
        let provider = provider.build().await;
        let config = loader(conn, home_region, retries)
            .credentials_provider(provider)
            .load()
            .await;
        Self::observed(&config, conn.on_retry.clone())
    }

    /// Clients from a loaded SDK configuration (its region and endpoint).
    pub fn from_config(config: &aws_config::SdkConfig) -> Clients {
        Self::observed(config, None)
    }

    /// Clients that are never sent anything, for tests of what a request
    /// would carry (`as_input`).
    #[cfg(test)]
    pub(crate) fn offline() -> Clients {
        let config = aws_config::SdkConfig::builder()
            .behavior_version(aws_config::BehaviorVersion::latest())
            .region(aws_config::Region::new("us-east-1"))
            .build();
        Self::from_config(&config)
    }

    /// Clients whose every attempt is watched (`attempts`): a first contact
    /// that cannot connect ends at once, and `on_retry` hears of retries.
    fn observed(config: &aws_config::SdkConfig, on_retry: Option<RetryReporter>) -> Clients {
        let region = config
            .region()
            .map(|r| r.as_ref().to_owned())
            .unwrap_or_default();
        let overridden = endpoint_overridden() || config.endpoint_url().is_some();
        let watch = Watch::new(region.clone(), overridden, on_retry);
        macro_rules! client {
            ($sdk:ident, $service:literal) => {
                $sdk::Client::from_conf(
                    $sdk::config::Builder::from(config)
                        .interceptor(watch.of($service))
                        .build(),
                )
            };
        }
        let s3_config = aws_sdk_s3::config::Builder::from(config)
            .force_path_style(overridden)
            .interceptor(watch.of("s3"))
            .build();
        Clients {
            region,
            sts: client!(aws_sdk_sts, "sts"),
            s3: aws_sdk_s3::Client::from_conf(s3_config),
            iam: client!(aws_sdk_iam, "iam"),
            logs: client!(aws_sdk_cloudwatchlogs, "logs"),
            cloudtrail: client!(aws_sdk_cloudtrail, "cloudtrail"),
            cloudwatch: client!(aws_sdk_cloudwatch, "cloudwatch"),
            kms: client!(aws_sdk_kms, "kms"),
            sns: client!(aws_sdk_sns, "sns"),
            organizations: client!(aws_sdk_organizations, "organizations"),
            trail_owner: None,
            watch,
        }
    }
}

/// The clients of every account a spec spans, by place: the trail's
/// account, the log bucket's, the key's and the state bucket's. A spec without `accounts` has one, the
/// caller's, for both.
#[derive(Clone, Debug)]
pub struct Accounts {
    trail: Clients,
    bucket: Clients,
    key: Clients,
    state: Clients,
    /// Each account the spec names, with its clients (the guard asks each
    /// who it is).
    pub named: Vec<(ctrail_spec::Account, Clients)>,
}

impl Accounts {
    /// One account for every place: the caller's.
    pub fn single(clients: Clients) -> Accounts {
        Accounts {
            bucket: clients.clone(),
            key: clients.clone(),
            state: clients.clone(),
            trail: clients,
            named: Vec::new(),
        }
    }

    /// Clients for each account of `spec`, reached as its entry says: the
    /// caller's credentials, a role assumed from them, or a named profile.
    /// Nothing is called yet (a role is assumed on its first call).
    pub async fn connect(
        conn: &Connection,
        spec: &ctrail_spec::Spec,
        retries: Retries,
    ) -> Accounts {
        if spec.accounts.is_empty() {
            return Accounts::single(Clients::connect_with(conn, &spec.region, retries).await);
        }
        let mut named = Vec::new();
        for account in &spec.accounts {
            let clients = match &account.reach {
                ctrail_spec::Reach::Caller => {
                    Clients::connect_with(conn, &spec.region, retries).await
                }
                ctrail_spec::Reach::Profile(p) => {
                    let conn = Connection {
                        profile: Some(p.clone()),
                        ..conn.clone()
                    };
                    Clients::connect_with(&conn, &spec.region, retries).await
                }
                ctrail_spec::Reach::Role {
                    arn,
                    external_id,
                    session_name,
                } => {
                    Clients::assume(
                        conn,
                        &spec.region,
                        retries,
                        arn,
                        external_id.as_deref(),
                        session_name,
                    )
                    .await
                }
            };
            named.push((account.clone(), clients));
        }
        let of = |place: ctrail_model::Place| {
            let name = spec.account_at(place).map(|a| a.name.as_str());
            named
                .iter()
                .find(|(a, _)| Some(a.name.as_str()) == name)
                .or(named.first())
                .map(|(_, c)| c.clone())
        };
        match (
            of(ctrail_model::Place::Trail),
            of(ctrail_model::Place::Bucket),
            of(ctrail_model::Place::Key),
            of(ctrail_model::Place::State),
        ) {
            (Some(trail), Some(bucket), Some(key), Some(state)) => Accounts {
                trail: Self::delegated(spec, &named, trail),
                bucket,
                key,
                state,
                named,
            },
            // No account listed: the caller's (validation refuses an empty
            // `accounts`, so this is a spec built in code).
            _ => Accounts::single(Clients::connect_with(conn, &spec.region, retries).await),
        }
    }

    /// The trail's account's clients, but for CloudTrail, which a spec with
    /// `trail.delegated_admin` calls with the delegated administrator's
    /// credentials, naming the management account's trail by its ARN.
    fn delegated(
        spec: &ctrail_spec::Spec,
        named: &[(ctrail_spec::Account, Clients)],
        trail: Clients,
    ) -> Clients {
        let admin = spec
            .trail
            .delegated_admin
            .as_deref()
            .and_then(|name| named.iter().find(|(a, _)| a.name == name).map(|(_, c)| c));
        let owner = spec.account_at(ctrail_model::Place::Trail);
        match (admin, owner) {
            (Some(admin), Some(owner)) => Clients {
                cloudtrail: admin.cloudtrail.clone(),
                trail_owner: Some(owner.account_id.clone()),
                ..trail
            },
            _ => trail,
        }
    }

    /// The clients of the account holding `place`.
    pub fn at(&self, place: ctrail_model::Place) -> &Clients {
        match place {
            ctrail_model::Place::Trail => &self.trail,
            ctrail_model::Place::Bucket => &self.bucket,
            ctrail_model::Place::Key => &self.key,
            ctrail_model::Place::State => &self.state,
        }
    }

    /// The trail's account's clients (the caller's, in a spec without
    /// accounts).
    pub fn trail(&self) -> &Clients {
        &self.trail
    }
}

#[cfg(test)]
mod tests {
    use super::Clients;

    /// Clients moved to another region call that region, with everything
    /// else kept; in their own region they are the same clients.
    #[test]
    fn clients_in_another_region_call_it() {
        let home = Clients::offline();
        let region = |c: &Clients| {
            [
                c.logs.config().region().map(ToString::to_string),
                c.cloudwatch.config().region().map(ToString::to_string),
                c.sns.config().region().map(ToString::to_string),
                c.kms.config().region().map(ToString::to_string),
                c.cloudtrail.config().region().map(ToString::to_string),
            ]
        };
        let there = home.in_region("eu-west-1");
        assert_eq!(there.region, "eu-west-1");
        assert_eq!(
            region(&there),
            [(); 5].map(|()| Some("eu-west-1".to_owned()))
        );
        assert_eq!(
            region(&home),
            [(); 5].map(|()| Some("us-east-1".to_owned()))
        );
        assert_eq!(region(&home.in_region("us-east-1")), region(&home));
        assert_eq!(region(&home.in_region("")), region(&home));
    }
}
