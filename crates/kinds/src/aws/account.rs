//! Who the credentials are: the account (STS GetCallerIdentity) and its
//! organization (Organizations DescribeOrganization). Every call of either
//! that ctrail makes.

use super::{Clients, ReadError, read_error};

/// The account the credentials belong to (AWS STS API Reference,
/// GetCallerIdentity,
/// https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html).
/// A call no IAM policy can deny, so it also serves as a harmless read
/// that CloudTrail records.
pub async fn account_id(c: &Clients) -> Result<String, ReadError> {
    let me = c.sts.get_caller_identity().send().await;
    let me = me.map_err(|e| read_error("sts:GetCallerIdentity", e))?;
    me.account()
        .map(str::to_owned)
        .ok_or_else(|| ReadError::Unexpected("STS returned no account id".into()))
}

/// The caller's organization's id (AWS Organizations API Reference,
/// DescribeOrganization,
/// https://docs.aws.amazon.com/organizations/latest/APIReference/API_DescribeOrganization.html);
/// outside an organization AWS answers AWSOrganizationsNotInUseException,
/// which the error's code carries.
pub async fn organization_id(c: &Clients) -> Result<Option<String>, ReadError> {
    c.organizations
        .describe_organization()
        .send()
        .await
        .map(|o| o.organization().and_then(|o| o.id()).map(str::to_owned))
        .map_err(|e| read_error("organizations:DescribeOrganization", e))
}

/// Asks each account the spec names who its credentials are, all at once:
/// an account reached with another account's credentials, or not reached
/// at all (a role that cannot be assumed), stops the run before any read.
pub async fn guard(accounts: &super::Accounts) -> Result<(), ReadError> {
    let asks = accounts.named.iter().map(|(a, c)| async move {
        let how = match &a.reach {
            ctrail_spec::Reach::Caller => "the caller's credentials".to_owned(),
            ctrail_spec::Reach::Role { arn, .. } => format!("role {arn}"),
            ctrail_spec::Reach::Profile(p) => format!("profile {p}"),
        };
        let actual = account_id(c).await.map_err(|e| ReadError::Unreached {
            name: a.name.clone(),
            account_id: a.account_id.clone(),
            how,
            source: Box::new(said_by_sts(e)),
        })?;
        if actual != a.account_id {
            return Err(ReadError::WrongNamedAccount {
                name: a.name.clone(),
                expected: a.account_id.clone(),
                actual,
            });
        }
        Ok(())
    });
    futures::future::try_join_all(asks).await.map(|_| ())
}

/// The guard of a spec: every account it names asked who it is, or (a spec
/// of the caller's account alone) its `account_id` checked against the
/// caller's. Before anything else is read.
pub async fn guard_spec(
    accounts: &super::Accounts,
    spec: &ctrail_spec::Spec,
) -> Result<(), ReadError> {
    guard(accounts).await?;
    if spec.account_id.is_some() {
        crate::door::guarded(spec, account_id(accounts.trail()).await?)?;
    }
    Ok(())
}

/// A failure to get a role's credentials as STS said it (`AccessDenied: User:
/// ... is not authorized to perform: sts:AssumeRole on resource: ...`),
/// rather than the credential provider's chain of wrappers around it.
fn said_by_sts(e: ReadError) -> ReadError {
    let ReadError::Call {
        operation,
        code,
        message,
    } = &e
    else {
        return e;
    };
    let field = |name: &str| -> Option<String> {
        let start = message.find(&format!("{name}: \""))? + name.len() + 3;
        let end = message[start..].find('"')? + start;
        Some(message[start..end].to_owned())
    };
    match (field("code"), field("message")) {
        (Some(c), Some(m)) => ReadError::Call {
            operation,
            code: code.clone().or(Some(c.clone())),
            message: format!("the credentials could not be had: {c}: {m}"),
        },
        _ => e,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refused_assume_role_reads_as_sts_said_it() {
        let wrapped = ReadError::Call {
            operation: "sts:GetCallerIdentity",
            code: None,
            message: "dispatch failure: other: an error occurred while loading credentials: service error: unhandled error (AccessDenied): Error { code: \"AccessDenied\", message: \"User: arn:aws:iam::123456789012:root is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::111111111111:role/r\" }".into(),
        };
        assert_eq!(
            said_by_sts(wrapped).to_string(),
            "sts:GetCallerIdentity failed: the credentials could not be had: AccessDenied: User: arn:aws:iam::123456789012:root is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::111111111111:role/r"
        );
        let plain = ReadError::Call {
            operation: "sts:GetCallerIdentity",
            code: Some("Throttling".into()),
            message: "Rate exceeded".into(),
        };
        assert_eq!(said_by_sts(plain.clone()).to_string(), plain.to_string());
    }
}
