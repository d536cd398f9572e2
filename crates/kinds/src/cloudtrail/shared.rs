//! What the trail's kinds share: the trail as GetTrail shows it, read once.

/// The trail's ARN.
#[cfg(feature = "aws")]
pub(crate) fn arn(partition: &str, region: &str, account: &str, name: &str) -> String {
    format!("arn:{partition}:cloudtrail:{region}:{account}:trail/{name}")
}

/// The trail, `None` when it does not exist (GetTrail, made once however
/// many of its kinds ask).
#[cfg(feature = "aws")]
pub(crate) async fn trail(
    rcx: &crate::aws::ReadCx<'_>,
    name: &str,
) -> Result<Option<aws_sdk_cloudtrail::types::Trail>, crate::aws::ReadError> {
    let got = crate::cloudtrail::trail::get_trail(rcx.clients, name);
    let found = rcx.once(format!("cloudtrail:GetTrail {name}"), got).await?;
    Ok((*found).clone())
}

/// Reads a setting of each named trail: `read` (given the CloudTrail
/// client) runs alongside the trail's existence check, and a trail that
/// does not exist has no setting.
#[cfg(feature = "aws")]
pub(crate) async fn per_trail<'a, T, F, Fut>(
    rcx: &crate::aws::ReadCx<'a>,
    names: &[String],
    read: F,
) -> crate::aws::Found<T>
where
    F: Fn(&'a aws_sdk_cloudtrail::Client, String) -> Fut,
    Fut: Future<Output = Result<Option<T>, crate::aws::ReadError>>,
{
    let c = &rcx.clients.cloudtrail;
    let read = &read;
    rcx.each(names, |name| async move {
        // From a delegated administrator, by the trail's ARN.
        let id = rcx.clients.trail_id(&name);
        let got = crate::aws::if_exists(trail(rcx, &name), read(c, id)).await?;
        got.transpose().map(Option::flatten)
    })
    .await
}
