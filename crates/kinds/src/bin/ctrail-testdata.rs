//! `ctrail-testdata`: writes a generated, signed CloudTrail digest chain and
//! its log files into a bucket (the emulator's, through AWS_ENDPOINT_URL),
//! for `just bench` and by-hand runs of `validate-logs`. Signed with the
//! project's test key; test data only, never for AWS.
//!
//! ctrail-testdata BUCKET KEY_PEM START HOURS LOGS_PER_HOUR REGION[,REGION...]

use std::process::ExitCode;

use ctrail_integrity::digest::{self, Layout};
use ctrail_integrity::testdata::{Chains, SigningKey};
use futures::StreamExt;

const USAGE: &str =
    "usage: ctrail-testdata BUCKET KEY_PEM START HOURS LOGS_PER_HOUR REGION[,REGION...]";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(n) => {
            println!("{n} objects written");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

fn run(args: &[String]) -> Result<usize, String> {
    let [bucket, pem, start, hours, logs, regions] = args else {
        return Err("wrong number of arguments".into());
    };
    let pem = std::fs::read_to_string(pem).map_err(|e| format!("{pem}: {e}"))?;
    let key = SigningKey::from_pem(&pem)?;
    let number = |s: &str| s.parse::<u32>().map_err(|e| format!("{s}: {e}"));
    let chains = Chains {
        layout: Layout {
            bucket: bucket.clone(),
            prefix: None,
            account: "123456789012".into(),
            organization: None,
            trail_name: "bench-trail".into(),
            home_region: "us-east-1".into(),
        },
        regions: regions.split(',').map(str::to_owned).collect(),
        start: digest::parse_time(start).ok_or(format!("{start}: not a time"))?,
        hours: number(hours)?,
        logs_per_hour: number(logs)?,
        events_per_log: 20,
        stopped: Vec::new(),
    };
    let objects = chains.objects(&key);
    let n = objects.len();
    let rt = tokio::runtime::Runtime::new().map_err(|e| e.to_string())?;
    rt.block_on(async {
        let config = aws_config::defaults(aws_config::BehaviorVersion::latest())
            .region(aws_config::Region::new("us-east-1"))
            .load()
            .await;
        let s3 = aws_sdk_s3::Client::from_conf(
            aws_sdk_s3::config::Builder::from(&config)
                .force_path_style(true)
                .build(),
        );
        let failures: Vec<String> = futures::stream::iter(objects)
            .map(|o| {
                let s3 = s3.clone();
                async move {
                    let mut req = s3
                        .put_object()
                        .bucket(bucket)
                        .key(&o.key)
                        .body(o.body.into());
                    for (k, v) in o.metadata {
                        req = req.metadata(k, v);
                    }
                    req.send().await.err().map(|e| format!("{}: {e:?}", o.key))
                }
            })
            .buffer_unordered(32)
            .filter_map(|e| async move { e })
            .collect()
            .await;
        match failures.first() {
            Some(f) => Err(format!(
                "{} objects not written; first: {f}",
                failures.len()
            )),
            None => Ok(n),
        }
    })
}
