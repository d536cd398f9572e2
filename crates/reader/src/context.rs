//! Values only AWS knows, resolved once per run in one round of concurrent
//! calls: the account id (STS), the KMS key's ARN (DescribeKey) and, for
//! organization trails, the organization id.
//!
//! The round is a shared future (`Pending`): reads that do not need its
//! values run alongside it, and the few that do (a tag listing by ARN, a
//! topic ARN with the account in it, a key policy read through an alias)
//! await it only for that call.

use std::collections::BTreeMap;
use std::sync::Arc;

use ctrail_graph::ResourceGraph;
use ctrail_kinds::aws::{
    Clients, KeyForms, Pending, ReadError, Resolved, read_error as call_error,
};
use ctrail_model::{Address, Placeholder};
use ctrail_spec::Spec;
use futures::FutureExt;
use serde_json::Value;

use crate::LiveContext;

pub(crate) fn start<'a>(
    clients: &'a Clients,
    spec: &'a Spec,
    graph: &'a ResourceGraph,
) -> Pending<'a> {
    async move {
        let (context, keys) = resolve(clients, spec, graph).await?;
        let desired: BTreeMap<Address, Value> = graph
            .resources()
            .map(|r| {
                let mut v = r.desired.clone();
                ctrail_model::placeholder::resolve(&mut v, &|p| context.value(p));
                (r.address.clone(), v)
            })
            .collect();
        Ok(Arc::new(Resolved {
            context,
            keys,
            desired,
        }))
    }
    .boxed()
    .shared()
}

async fn resolve(
    clients: &Clients,
    spec: &Spec,
    graph: &ResourceGraph,
) -> Result<(LiveContext, KeyForms), ReadError> {
    let needs_org = graph.placeholders().contains(&Placeholder::OrganizationId);
    let sts = async {
        clients
            .sts
            .get_caller_identity()
            .send()
            .await
            .map_err(|e| call_error("sts:GetCallerIdentity", e))
    };
    let kms = async {
        match &spec.kms {
            None => Ok(None),
            Some(k) => match clients
                .kms
                .describe_key()
                .key_id(k.key.as_str())
                .send()
                .await
            {
                // A key ctrail creates whose alias still names a key pending
                // deletion (a destroy stopped before DeleteAlias) is the key
                // the apply is about to create: the dying key's ARN, policy
                // and rotation are not the spec's (kms::key).
                Ok(out) => Ok(out
                    .key_metadata()
                    .filter(|m| !(k.create && ctrail_kinds::kms::key::pending_deletion(m)))
                    .cloned()),
                // The key ctrail creates (create_kms_key) may not exist yet.
                Err(e)
                    if k.create
                        && e.as_service_error()
                            .is_some_and(|s| s.is_not_found_exception()) =>
                {
                    Ok(None)
                }
                Err(e)
                    if e.as_service_error()
                        .is_some_and(|s| s.is_not_found_exception()) =>
                {
                    Err(ReadError::KmsKeyNotFound {
                        key: k.key.as_str().to_owned(),
                    })
                }
                Err(e) => Err(call_error("kms:DescribeKey", e)),
            },
        }
    };
    let org = async {
        if !needs_org {
            return Ok(None);
        }
        describe_organization(clients).await
    };
    let (identity, key, org) = tokio::join!(sts, kms, org);
    let account_id = identity?
        .account()
        .map(str::to_owned)
        .ok_or_else(|| ReadError::Unexpected("STS returned no account id".into()))?;
    if let Some(expected) = &spec.account_id
        && expected != &account_id
    {
        return Err(ReadError::WrongAccount {
            expected: expected.clone(),
            actual: account_id,
        });
    }
    let key = key?;
    let mut forms = KeyForms::default();
    if let (Some(k), Some(meta)) = (&spec.kms, &key) {
        let written = k.key.as_str().to_owned();
        let arn = meta.arn().map(str::to_owned);
        forms.forms.push(meta.key_id().to_owned());
        forms.forms.push(written.clone());
        if let Some(alias) = written.strip_prefix("alias/") {
            forms.forms.push(format!(
                "arn:{}:kms:{}:{account_id}:alias/{alias}",
                spec.partition, spec.region
            ));
        }
        if let Some(a) = &arn {
            forms.forms.push(a.clone());
        }
        forms.arn = arn;
    }
    let context = LiveContext {
        account_id,
        organization_id: org?,
        kms_key_arn: forms.arn.clone(),
        organization_unknown: false,
    };
    Ok((context, forms))
}

/// The caller's organization, for a spec whose trail is not an organization
/// trail (which reads it with the context): every request a service
/// principal makes for an account in an organization carries
/// `aws:SourceOrgID` (IAM User Guide, "AWS global condition context keys"),
/// which the preflight sends. Read beside the resources, after the account
/// guard. `Ok(None)`: the account is in no organization
/// (AWSOrganizationsNotInUseException); `Err(())`: the organization could
/// not be asked (a caller without organizations:DescribeOrganization), so
/// the key is unknown, never assumed absent.
pub(crate) async fn organization(clients: &Clients) -> Result<Option<String>, ()> {
    match describe_organization(clients).await {
        Ok(id) => Ok(id),
        Err(e) if e.code() == Some("AWSOrganizationsNotInUseException") => Ok(None),
        Err(e) => {
            // Said only where it matters: a statement turning on the key is
            // a "cannot judge" finding.
            tracing::debug!(error = %e, "organizations:DescribeOrganization failed: conditions on aws:SourceOrgID cannot be judged");
            Err(())
        }
    }
}

/// The caller's organization's id (DescribeOrganization).
async fn describe_organization(clients: &Clients) -> Result<Option<String>, ReadError> {
    clients
        .organizations
        .describe_organization()
        .send()
        .await
        .map(|o| o.organization().and_then(|o| o.id()).map(str::to_owned))
        .map_err(|e| call_error("organizations:DescribeOrganization", e))
}
