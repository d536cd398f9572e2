//! A private AWS emulator per test: moto's server mode behind the project's
//! test proxy, both on free ports of 127.0.0.1, stopped when dropped.
//!
//! Both are installed into `.venv` by `tools/just test` (or `tools/just
//! emulator`); `CTRAIL_VENV` points elsewhere.

use std::collections::BTreeMap;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use super::root;

pub struct Emulator {
    moto: Child,
    proxy: Child,
    /// The proxy's address: what ctrail and the AWS CLI talk to.
    pub url: String,
    port: u16,
    pub venv: PathBuf,
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

pub fn venv() -> PathBuf {
    std::env::var_os("CTRAIL_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join(".venv"))
}

fn wait_for_port(port: u16, what: &str, child: &mut Child) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return;
        }
        if let Ok(Some(status)) = child.try_wait() {
            panic!("{what} exited before listening: {status}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("{what} did not listen on port {port} within 60 s");
}

impl Emulator {
    pub fn start() -> Emulator {
        let venv = venv();
        let moto_bin = super::installed(venv.join("bin/moto_server"), "emulator");
        let moto_port = free_port();
        let mut moto = Command::new(&moto_bin)
            .args(["-H", "127.0.0.1", "-p", &moto_port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start moto_server");
        wait_for_port(moto_port, "moto_server", &mut moto);
        let (proxy, port) = super::spawn_server(
            Command::new(venv.join("bin/python"))
                .arg(root().join("tests/proxy/ctrail_test_proxy.py"))
                .args([
                    "--port",
                    "0",
                    "--upstream",
                    &format!("http://127.0.0.1:{moto_port}"),
                ])
                .stderr(Stdio::null()),
            "ready ",
        );
        Emulator {
            moto,
            proxy,
            url: format!("http://127.0.0.1:{port}"),
            port,
            venv,
        }
    }

    /// Sets the environment of a command to talk to this emulator only, with
    /// test credentials and no shared AWS config from the machine.
    pub fn env<'a>(&self, cmd: &'a mut Command) -> &'a mut Command {
        cmd.env("AWS_ENDPOINT_URL", &self.url)
            .env("AWS_ACCESS_KEY_ID", "testing")
            .env("AWS_SECRET_ACCESS_KEY", "testing")
            .env("AWS_DEFAULT_REGION", "us-east-1")
            .env("AWS_REGION", "us-east-1")
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env("AWS_CONFIG_FILE", "/dev/null")
            .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
            .env_remove("AWS_PROFILE")
            .env_remove("AWS_SESSION_TOKEN")
            .env("NO_COLOR", "1")
            .env_remove("RUST_LOG")
            .current_dir(root())
    }

    /// Runs `ctrail` against this emulator.
    pub fn ctrail(&self, args: &[&str]) -> Output {
        self.env(&mut Command::new(env!("CARGO_BIN_EXE_ctrail")))
            .args(args)
            .output()
            .expect("run ctrail")
    }

    /// Runs `ctrail` with the credentials `creds` (`assume`): as another
    /// account's principal.
    pub fn ctrail_as(&self, creds: &[(String, String)], args: &[&str]) -> Output {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_ctrail"));
        self.env(&mut cmd);
        for (k, v) in creds {
            cmd.env(k, v);
        }
        cmd.args(args).output().expect("run ctrail")
    }

    /// Every CloudTrail call the adapter saw since the last reset: its
    /// operation, signing account and the trail names or ARNs it gave.
    pub fn trail_calls(&self) -> Vec<serde_json::Value> {
        serde_json::from_str(&self.control("GET", "/_proxy/trail_calls", "")).expect("trail calls")
    }

    /// `ctrail plan --detailed-exitcode --format json SPEC`: its exit code
    /// and the plan document.
    pub fn plan_json(&self, spec: &str) -> (i32, serde_json::Value) {
        let out = self.ctrail(&["plan", "--detailed-exitcode", "--format", "json", spec]);
        let doc = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("plan JSON ({e}): {}", super::text(&out)));
        (out.status.code().unwrap_or(-1), doc)
    }

    /// `ctrail apply --auto-approve SPEC`, which must succeed.
    pub fn apply(&self, spec: &str) {
        let out = self.ctrail(&["apply", "--auto-approve", spec]);
        assert_eq!(out.status.code(), Some(0), "apply: {}", super::text(&out));
    }

    /// `ctrail plan --detailed-exitcode SPEC`, which must find nothing to
    /// change.
    pub fn converged(&self, spec: &str) {
        self.converged_as(&[], spec);
    }

    /// `converged` with the credentials `creds` (`assume`).
    pub fn converged_as(&self, creds: &[(String, String)], spec: &str) {
        let out = self.ctrail_as(creds, &["plan", "--detailed-exitcode", spec]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "converged: {}",
            super::text(&out)
        );
    }

    /// Runs the AWS CLI against this emulator; panics if it fails.
    pub fn aws(&self, args: &[&str]) -> String {
        self.aws_as(&[], args)
    }

    /// `ctrail import` of `trail` (in us-east-1) into `dir/imported.yaml`,
    /// which must succeed: the spec's path and text.
    pub fn import(&self, trail: &str, dir: &Path) -> (String, String) {
        let path = dir.join("imported.yaml").to_string_lossy().into_owned();
        let out = self.ctrail(&[
            "import",
            "--trail",
            trail,
            "--region",
            "us-east-1",
            "--out",
            &path,
        ]);
        assert_eq!(out.status.code(), Some(0), "import: {}", super::text(&out));
        let imported = std::fs::read_to_string(&path).expect("imported spec");
        (path, imported)
    }

    /// `ctrail import` of `trail` into `dir` (`import`), whose spec says each
    /// of `written` and plans no change: the spec's text.
    pub fn import_plans_no_change(&self, trail: &str, dir: &Path, written: &[&str]) -> String {
        let (path, imported) = self.import(trail, dir);
        super::assert_contains(&imported, written);
        let (code, plan) = self.plan_json(&path);
        assert_eq!(code, 0, "{imported}\n{plan:#}");
        imported
    }

    /// `ctrail destroy` of `spec` with its log data, `bucket` confirmed,
    /// which must succeed.
    pub fn destroy_with_log_data(&self, spec: &str, bucket: &str) -> Output {
        let out = self.try_destroy_with_log_data(spec, bucket);
        assert_eq!(out.status.code(), Some(0), "destroy: {}", super::text(&out));
        out
    }

    /// `ctrail destroy` with the log data and the bucket's name confirmed,
    /// whatever its exit code.
    pub fn try_destroy_with_log_data(&self, spec: &str, bucket: &str) -> Output {
        self.ctrail(&[
            "destroy",
            "--auto-approve",
            "--delete-log-data",
            "--confirm-bucket",
            bucket,
            spec,
        ])
    }

    /// Temporary credentials of `role` (`sts assume-role` from the
    /// caller's), as environment variables for the AWS CLI.
    pub fn assume(&self, role: &str) -> Vec<(String, String)> {
        let out = self.aws(&[
            "sts",
            "assume-role",
            "--role-arn",
            role,
            "--role-session-name",
            "by-hand",
            "--output",
            "json",
        ]);
        let c: serde_json::Value = serde_json::from_str(&out).expect("credentials");
        let c = &c["Credentials"];
        let get = |k: &str| c[k].as_str().expect(k).to_owned();
        vec![
            ("AWS_ACCESS_KEY_ID".into(), get("AccessKeyId")),
            ("AWS_SECRET_ACCESS_KEY".into(), get("SecretAccessKey")),
            ("AWS_SESSION_TOKEN".into(), get("SessionToken")),
        ]
    }

    /// Runs the AWS CLI in the account the credentials `creds` belong to
    /// (`assume`), whatever its exit code.
    pub fn aws_as_output(&self, creds: &[(String, String)], args: &[&str]) -> Output {
        let mut cmd = Command::new(self.venv.join("bin/aws"));
        self.env(&mut cmd);
        cmd.envs(creds.iter().map(|(k, v)| (k, v)));
        cmd.args(args).output().expect("run aws")
    }

    /// Runs the AWS CLI in the account the credentials `creds` belong to
    /// (`assume`); panics if it fails.
    pub fn aws_as(&self, creds: &[(String, String)], args: &[&str]) -> String {
        let out = self.aws_as_output(creds, args);
        assert!(
            out.status.success(),
            "aws {} failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    }

    /// The names an AWS CLI listing (`--query ... --output json`) gives, in
    /// the account of `creds` (the caller's when `None`); none for `null`.
    pub fn names(&self, creds: Option<&[(String, String)]>, args: &[&str]) -> Vec<String> {
        let out = self.aws_as(creds.unwrap_or_default(), args);
        serde_json::from_str::<Option<Vec<String>>>(&out)
            .unwrap_or_else(|e| panic!("{}: {e}: {out}", args.join(" ")))
            .unwrap_or_default()
    }

    /// Starts `ctrail apply --auto-approve SPEC` without waiting, its output
    /// piped (two runs started together, say).
    pub fn start_apply(&self, spec: &str) -> std::process::Child {
        self.env(&mut Command::new(env!("CARGO_BIN_EXE_ctrail")))
            .args(["apply", "--auto-approve", spec])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start apply")
    }

    /// Runs the AWS CLI with `args`, whatever its exit code.
    pub fn aws_output(&self, args: &[&str]) -> Output {
        self.aws_as_output(&[], args)
    }

    /// Runs the AWS CLI with `command`'s words, each `{}` replaced by the
    /// next of `values` (which may hold spaces); panics if it fails.
    pub fn cli(&self, command: &str, values: &[&str]) -> String {
        self.aws(&words(command, values))
    }

    /// Runs the AWS CLI like `cli`: whether it succeeded, and its stderr.
    pub fn cli_result(&self, command: &str, values: &[&str]) -> (bool, String) {
        let out = self.run(&self.venv.join("bin/aws"), &words(command, values));
        let err = String::from_utf8_lossy(&out.stderr).into_owned();
        (out.status.success(), err)
    }

    /// Runs the AWS CLI like `cli`; AWS (the emulator or the test adapter)
    /// must refuse it with the error `code`.
    pub fn cli_refused(&self, command: &str, values: &[&str], code: &str) {
        let (ok, err) = self.cli_result(command, values);
        assert!(!ok && err.contains(code), "{command}: {err}");
    }

    /// Credentials in member account `account` through the role AWS
    /// Organizations makes in every account it creates: how the account's
    /// owners act there.
    pub fn organization_admin(&self, account: &str) -> Vec<(String, String)> {
        self.assume(&format!(
            "arn:aws:iam::{account}:role/OrganizationAccountAccessRole"
        ))
    }

    /// Makes role `name` in the account of `creds` (the caller's when
    /// `None`), assumable by the root of each account in `trusted`: how an
    /// account's owners let another account in (`trust_policy`).
    pub fn role_trusting(
        &self,
        creds: Option<&[(String, String)]>,
        name: &str,
        trusted: &[&str],
        external_id: Option<&str>,
    ) {
        let trust = trust_policy(trusted, external_id);
        self.aws_as(
            creds.unwrap_or_default(),
            &[
                "iam",
                "create-role",
                "--role-name",
                name,
                "--assume-role-policy-document",
                &trust,
            ],
        );
    }

    /// The caller's account made an organization's management account, as
    /// its owners set it up: an organization with all features, and
    /// CloudTrail's trusted access on (CloudTrail User Guide, "Prepare for
    /// creating a trail for your organization"). The organization's id.
    pub fn organization_for_cloudtrail(&self) -> String {
        let id = self.aws(&[
            "organizations",
            "create-organization",
            "--feature-set",
            "ALL",
            "--query",
            "Organization.Id",
            "--output",
            "text",
        ]);
        self.aws(&[
            "organizations",
            "enable-aws-service-access",
            "--service-principal",
            "cloudtrail.amazonaws.com",
        ]);
        id
    }

    /// Creates a KMS key and returns its id.
    pub fn create_kms_key(&self) -> String {
        self.aws(&[
            "kms",
            "create-key",
            "--query",
            "KeyMetadata.KeyId",
            "--output",
            "text",
        ])
    }

    /// Runs a script (bash or python) with this emulator's environment.
    pub fn run(&self, program: &Path, args: &[&str]) -> Output {
        self.env(&mut Command::new(program))
            .env("AWS_CLI", self.venv.join("bin/aws"))
            .args(args)
            .output()
            .expect("run script")
    }

    fn control(&self, method: &str, path: &str, body: &str) -> String {
        super::http(self.port, method, path, body)
    }

    /// The AWS SDK's configuration for this emulator, in us-east-1, with
    /// the test credentials (for tests that call AWS through the library).
    pub fn sdk_config(&self, rt: &tokio::runtime::Runtime) -> aws_config::SdkConfig {
        use aws_config::{BehaviorVersion, Region};
        let credentials =
            aws_sdk_s3::config::Credentials::new("testing", "testing", None, None, "tests");
        rt.block_on(
            aws_config::defaults(BehaviorVersion::latest())
                .region(Region::new("us-east-1"))
                .endpoint_url(&self.url)
                .credentials_provider(credentials)
                .load(),
        )
    }

    /// API calls per operation since the last reset.
    pub fn counts(&self) -> BTreeMap<String, u64> {
        serde_json::from_str(&self.control("GET", "/_proxy/counts", "")).expect("counts")
    }

    /// Calls per account (by the access key that signed them), then per
    /// operation.
    pub fn counts_by_account(&self) -> BTreeMap<String, BTreeMap<String, u64>> {
        serde_json::from_str(&self.control("GET", "/_proxy/counts_by_account", ""))
            .expect("counts by account")
    }

    pub fn reset_counts(&self) {
        self.control("POST", "/_proxy/reset", "");
    }

    /// Replaces the proxy's configuration (latency, faults) with `config`:
    /// what it does not name is off, so `configure(json!({}))` switches every
    /// fault and the latency off. See the proxy's docs.
    pub fn configure(&self, config: serde_json::Value) {
        let mut config = config;
        if let Some(m) = config.as_object_mut() {
            m.insert("reset".into(), serde_json::Value::Bool(true));
        }
        self.control("POST", "/_proxy/config", &config.to_string());
    }

    /// The write operations called since the last reset, with their counts,
    /// for "nothing was written" checks: every operation but a read (see
    /// `is_read`), so a verb no list foresaw (Publish, ConfirmSubscription,
    /// CancelKeyDeletion, RotateKeyOnDemand, an S3 POST) counts as a write.
    pub fn writes(&self) -> Vec<String> {
        self.counts()
            .into_iter()
            .filter(|(op, _)| !is_read(op))
            .map(|(op, n)| format!("{op} x{n}"))
            .collect()
    }

    /// `ctrail apply --auto-approve spec`, which must be refused (exit 1)
    /// without a single write (`writes`, counted since the last reset).
    pub fn refused_apply_writes_nothing(&self, spec: &str) {
        let out = self.ctrail(&["apply", "--auto-approve", spec]);
        assert_eq!(out.status.code(), Some(1), "{}", super::text(&out));
        assert_eq!(
            self.writes(),
            Vec::<String>::new(),
            "a refused apply writes nothing"
        );
    }

    /// Faults injected since the last reset, by kind or operation.
    pub fn injected(&self) -> serde_json::Value {
        serde_json::from_str(&self.control("GET", "/_proxy/faults", "")).expect("faults")
    }

    pub fn set_latency_ms(&self, ms: u64) {
        self.control(
            "POST",
            "/_proxy/config",
            &format!("{{\"latency_ms\": {ms}}}"),
        );
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.proxy.kill();
        let _ = self.moto.kill();
        let _ = self.proxy.wait();
        let _ = self.moto.wait();
    }
}

/// A role trust policy letting the root of each account in `trusted`
/// assume the role, with the `sts:ExternalId` condition when `external_id`
/// is given: the IAM User Guide's cross-account form.
pub fn trust_policy(trusted: &[&str], external_id: Option<&str>) -> String {
    let roots: Vec<String> = trusted
        .iter()
        .map(|a| format!("arn:aws:iam::{a}:root"))
        .collect();
    let mut statement = serde_json::json!({
        "Effect": "Allow",
        "Principal": {"AWS": roots},
        "Action": "sts:AssumeRole",
    });
    if let Some(id) = external_id {
        statement["Condition"] = serde_json::json!({"StringEquals": {"sts:ExternalId": id}});
    }
    serde_json::json!({"Version": "2012-10-17", "Statement": [statement]}).to_string()
}

/// Whether the operation `op`, as the test adapter counts it
/// (`service:Operation`), only reads: its verb is Get, List, Describe, Head,
/// Lookup (CloudTrail LookupEvents), Filter (CloudWatch Logs
/// FilterLogEvents) or Test (TestMetricFilter), or it is STS AssumeRole
/// (credentials for a session; nothing in the account changes). A request the adapter names
/// by its HTTP method instead (`s3:POST`, an S3 POST other than
/// DeleteObjects; `service:GET /path`) reads only as GET or HEAD.
pub fn is_read(op: &str) -> bool {
    const READ_VERBS: &[&str] = &[
        "Get", "List", "Describe", "Head", "Lookup", "Filter", "Test",
    ];
    if op == "sts:AssumeRole" {
        return true;
    }
    let verb = op.split_once(':').map_or(op, |(_, verb)| verb);
    let first = verb.split(' ').next().unwrap_or_default();
    if !first.is_empty() && first.chars().all(|c| c.is_ascii_uppercase()) {
        return matches!(first, "GET" | "HEAD");
    }
    READ_VERBS.iter().any(|read| {
        verb.strip_prefix(read)
            .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_uppercase()))
    })
}

/// `command`'s words, each `{}` replaced by the next of `values`.
fn words<'a>(command: &'a str, values: &[&'a str]) -> Vec<&'a str> {
    let mut values = values.iter();
    let out: Vec<&str> = command
        .split_whitespace()
        .map(|w| match w {
            "{}" => values.next().expect("a value for each {}"),
            w => w,
        })
        .collect();
    assert!(
        values.next().is_none(),
        "more values than {{}} in {command}"
    );
    out
}
