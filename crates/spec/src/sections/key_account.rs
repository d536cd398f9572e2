//! `kms_key_account`: the key in another account than the trail's, as the
//! organization layout keeps it (beside the bucket, in the Log Archive
//! account). CloudTrail uses such a key by its ARN, and its policy names
//! the trail's account (CloudTrail User Guide, "Configure AWS KMS key
//! policies for CloudTrail": the encryption context and `aws:SourceArn`
//! are the trail's).
//!
//! The CloudWatch Logs page ("Encrypt log data in CloudWatch Logs using AWS
//! KMS") and the Amazon SNS page ("Encryption at rest") describe a key of
//! the log group's or topic's own account, and say nothing of a key of
//! another. ctrail does not rely on what they leave open: a log group or
//! alert topic is encrypted with the spec's key only when the key is in the
//! trail's account (their `encrypted` defaults to off when it is not), and
//! a spec asking for it is refused with what to write instead. That works
//! whatever AWS decides.

use super::Cx;
use crate::decode::{Field, Fields, Located};
use crate::model::{Account, KmsKeyRef};

/// A key ARN names the account the key is in: it must be the key's account
/// (`kms_key_account`, or the trail's).
pub(crate) fn check_arn(
    cx: &mut Cx<'_>,
    top: &Fields<'_>,
    key: &KmsKeyRef,
    account: Option<&str>,
    accounts: &[Located<Account>],
) {
    let Some(id) = accounts
        .iter()
        .find(|a| Some(a.value.name.as_str()) == account)
        .map(|a| a.value.account_id.as_str())
    else {
        return;
    };
    if let (KmsKeyRef::KeyArn(arn) | KmsKeyRef::AliasArn(arn), Some(f)) =
        (key, top.get("kms_key_id"))
    {
        let in_arn = ctrail_model::arn::Arn::parse(arn).map_or("", |a| a.account);
        if in_arn != id {
            let name = account.unwrap_or_default();
            cx.sink
                .error(
                    f.at(),
                    f.path,
                    format!("\"{arn}\" is a key of account {in_arn}, but the key's account is \"{name}\" ({id})"),
                )
                .help("set kms_key_account to the account the ARN names, or give the key's ARN in that account");
        }
    }
}

/// `encrypted: true` on `what` (the log group, the alert topic) in the
/// trail's account with the key elsewhere: refused, saying what to write.
/// Whether the key may encrypt it.
pub(crate) fn may_encrypt(
    cx: &mut Cx<'_>,
    encrypted: Option<&Field<'_>>,
    on: bool,
    what: &str,
) -> bool {
    let Some(elsewhere) = cx.key_elsewhere.clone() else {
        return true;
    };
    if let Some(f) = encrypted.filter(|_| on) {
        cx.sink
            .error(
                f.at(),
                f.path,
                format!(
                    "the key is in account \"{elsewhere}\", not the trail's: AWS documents encrypting {what} with a key of its own account only"
                ),
            )
            .help("remove encrypted (off by default when the key is in another account; AWS still encrypts it with its own key), or keep the key in the trail's account (kms_key_account)");
    }
    false
}
