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
