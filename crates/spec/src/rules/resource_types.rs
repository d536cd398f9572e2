//! The data event resource types CloudTrail publishes, kept in this one
//! place: the `resources.type` values of the table "Data events supported by
//! AWS CloudTrail" (CloudTrail User Guide, "Logging data events",
//! https://docs.aws.amazon.com/awscloudtrail/latest/userguide/logging-data-events-with-cloudtrail.html#logging-data-events,
//! the same table as in "CloudTrail concepts",
//! https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-concepts.html#cloudtrail-concepts-data-events),
//! as read in December 2026.
//!
//! AWS adds types every few months (the guide's document history lists new
//! data events in September and October 2025 alone), so a value missing here
//! may be newer than ctrail: it is a warning naming the nearest known type,
//! never an error, and the spec still applies.

/// Every `resources.type` value of the table, in the table's order.
pub const KNOWN: &[&str] = &[
    "AWS::RDS::DBCluster",
    "AWS::S3::Object",
    "AWS::S3::AccessPoint",
    "AWS::S3Express::Object",
    "AWS::S3ObjectLambda::AccessPoint",
    "AWS::FSx::Volume",
    "AWS::S3Tables::Table",
    "AWS::S3Tables::TableBucket",
    "AWS::S3Vectors::VectorBucket",
    "AWS::S3Vectors::Index",
    "AWS::S3Outposts::Object",
    "AWS::SNS::PlatformEndpoint",
    "AWS::SNS::Topic",
    "AWS::SQS::Queue",
    "AWS::SCN::Instance",
    "AWS::SWF::Domain",
    "AWS::AppConfig::Configuration",
    "AWS::AppSync::GraphQLApi",
    "AWS::DSQL::Cluster",
    "AWS::B2BI::Transformer",
    "AWS::Backup::SearchJob",
    "AWS::Bedrock::AgentAlias",
    "AWS::Bedrock::AsyncInvoke",
    "AWS::Bedrock::FlowAlias",
    "AWS::Bedrock::Guardrail",
    "AWS::Bedrock::InlineAgent",
    "AWS::Bedrock::KnowledgeBase",
    "AWS::Bedrock::Model",
    "AWS::Bedrock::PromptVersion",
    "AWS::Bedrock::Session",
    "AWS::Bedrock::FlowExecution",
    "AWS::Bedrock::AutomatedReasoningPolicy",
    "AWS::Bedrock::AutomatedReasoningPolicyVersion",
    "AWS::Bedrock::DataAutomationProject",
    "AWS::Bedrock::DataAutomationInvocation",
    "AWS::Bedrock::DataAutomationProfile",
    "AWS::Bedrock::Blueprint",
    "AWS::BedrockAgentCore::CodeInterpreter",
    "AWS::BedrockAgentCore::Browser",
    "AWS::BedrockAgentCore::WorkloadIdentity",
    "AWS::BedrockAgentCore::WorkloadIdentityDirectory",
    "AWS::BedrockAgentCore::TokenVault",
    "AWS::BedrockAgentCore::APIKeyCredentialProvider",
    "AWS::BedrockAgentCore::Runtime",
    "AWS::BedrockAgentCore::RuntimeEndpoint",
    "AWS::BedrockAgentCore::Gateway",
    "AWS::BedrockAgentCore::Memory",
    "AWS::BedrockAgentCore::OAuth2CredentialProvider",
    "AWS::BedrockAgentCore::BrowserCustom",
    "AWS::BedrockAgentCore::CodeInterpreterCustom",
    "AWS::Bedrock::Tool",
    "AWS::ServiceDiscovery::Namespace",
    "AWS::ServiceDiscovery::Service",
    "AWS::CloudFront::KeyValueStore",
    "AWS::CloudTrail::Channel",
    "AWS::CloudWatch::Metric",
    "AWS::NetworkFlowMonitor::Monitor",
    "AWS::NetworkFlowMonitor::Scope",
    "AWS::RUM::AppMonitor",
    "AWS::CodeGuruProfiler::ProfilingGroup",
    "AWS::CodeWhisperer::Customization",
    "AWS::CodeWhisperer::Profile",
    "AWS::Cognito::IdentityPool",
    "AWS::DataExchange::Asset",
    "AWS::KinesisFirehose::DeliveryStream",
    "AWS::Deadline::Fleet",
    "AWS::Deadline::Job",
    "AWS::Deadline::Queue",
    "AWS::Deadline::Worker",
    "AWS::DynamoDB::Table",
    "AWS::DynamoDB::Stream",
    "AWS::EC2::Snapshot",
    "AWS::EC2::InstanceConnectEndpoint",
    "AWS::ECS::ContainerInstance",
    "AWS::EKS::Dashboard",
    "AWS::EMRWAL::Workspace",
    "AWS::SMSVoice::OriginationIdentity",
    "AWS::SMSVoice::Message",
    "AWS::SocialMessaging::PhoneNumberId",
    "AWS::SocialMessaging::WabaId",
    "AWS::FinSpace::Environment",
    "AWS::GameLiftStreams::Application",
    "AWS::GameLiftStreams::StreamGroup",
    "AWS::Glue::Table",
    "AWS::GuardDuty::Detector",
    "AWS::MedicalImaging::Datastore",
    "AWS::MedicalImaging::Imageset",
    "AWS::IoT::Certificate",
    "AWS::IoT::Thing",
    "AWS::GreengrassV2::ComponentVersion",
    "AWS::GreengrassV2::Deployment",
    "AWS::IoTSiteWise::Asset",
    "AWS::IoTSiteWise::TimeSeries",
    "AWS::SitewiseAssistant::Conversation",
    "AWS::IoTTwinMaker::Entity",
    "AWS::IoTTwinMaker::Workspace",
    "AWS::KendraRanking::ExecutionPlan",
    "AWS::Cassandra::Table",
    "AWS::Cassandra::Stream",
    "AWS::Kinesis::Stream",
    "AWS::Kinesis::StreamConsumer",
    "AWS::KinesisVideo::Stream",
    "AWS::KinesisVideo::SignalingChannel",
    "AWS::Lambda::Function",
    "AWS::GeoMaps::Provider",
    "AWS::GeoPlaces::Provider",
    "AWS::GeoRoutes::Provider",
    "AWS::MachineLearning::MlModel",
    "AWS::ManagedBlockchain::Network",
    "AWS::ManagedBlockchain::Node",
    "AWS::ManagedBlockchainQuery::QueryAPI",
    "AWS::MWAA::Environment",
    "AWS::NeptuneGraph::Graph",
    "AWS::One::UKey",
    "AWS::One::User",
    "AWS::PaymentCryptography::Alias",
    "AWS::PaymentCryptography::Key",
    "AWS::Pinpoint::App",
    "AWS::PCAConnectorAD::Connector",
    "AWS::PCAConnectorSCEP::Connector",
    "AWS::QApps::QApp",
    "AWS::QApps::QAppSession",
    "AWS::QBusiness::Application",
    "AWS::QBusiness::DataSource",
    "AWS::QBusiness::Index",
    "AWS::QBusiness::WebExperience",
    "AWS::QBusiness::Integration",
    "AWS::QDeveloper::Integration",
    "AWS::AIOps::InvestigationGroup",
    "AWS::Quicksight::ActionConnector",
    "AWS::QuickSight::Flow",
    "AWS::QuickSight::FlowSession",
    "AWS::SageMaker::Endpoint",
    "AWS::SageMaker::FeatureGroup",
    "AWS::SageMaker::ExperimentTrialComponent",
    "AWS::SageMaker::MlflowTrackingServer",
    "AWS::Signer::SigningJob",
    "AWS::Signer::SigningProfile",
    "AWS::SES::ConfigurationSet",
    "AWS::SES::EmailIdentity",
    "AWS::SES::Template",
    "AWS::SDB::Domain",
    "AWS::StepFunctions::Activity",
    "AWS::StepFunctions::StateMachine",
    "AWS::SSMMessages::ControlChannel",
    "AWS::SSM::ExecutionPreview",
    "AWS::SSM::ManagedNode",
    "AWS::Timestream::Database",
    "AWS::Timestream::RegionalEndpoint",
    "AWS::Timestream::Table",
    "AWS::VerifiedPermissions::PolicyStore",
    "AWS::ThinClient::Device",
    "AWS::ThinClient::Environment",
    "AWS::XRay::Trace",
    "AWS::AIDevOps::AgentSpace",
    "AWS::AIDevOps::Association",
    "AWS::AIDevOps::OperatorAppTeam",
    "AWS::AIDevOps::PipelineMetadata",
    "AWS::AIDevOps::Service",
    "AWS::Bedrock::AdvancedOptimizePromptJob",
    "AWS::BedrockAgentCore::Evaluator",
    "AWS::CloudOptimization::Profile",
    "AWS::CloudOptimization::Recommendation",
    "AWS::GuardDuty::MalwareScan",
    "AWS::NovaAct::WorkflowDefinition",
    "AWS::NovaAct::WorkflowRun",
    "AWS::Redshift::Cluster",
    "AWS::SupportAccess::Tenant",
    "AWS::SupportAccess::TrustingAccount",
    "AWS::SupportAccess::TrustingRole",
    "AWS::Transform::AgentInstance",
    "AWS::TransformCustom::Campaign",
    "AWS::TransformCustom::Conversation",
    "AWS::TransformCustom::KnowledgeItem",
    "AWS::TransformCustom::Package",
];

/// Whether `value` is a resource type the table lists.
pub fn is_known(value: &str) -> bool {
    KNOWN.contains(&value)
}

/// The listed type nearest to `value` by edit distance (ignoring case, so
/// `AWS::S3::object` points at `AWS::S3::Object`); the first listed wins a tie.
pub fn nearest(value: &str) -> &'static str {
    let wanted = value.to_ascii_lowercase();
    KNOWN
        .iter()
        .min_by_key(|k| crate::decode::edit_distance(&wanted, &k.to_ascii_lowercase()))
        .copied()
        .unwrap_or("AWS::S3::Object")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_basic_types_and_newer_ones_are_listed_once() {
        for t in super::super::selectors::BASIC_DATA_TYPES {
            assert!(is_known(t), "{t}");
        }
        assert!(is_known("AWS::S3Vectors::Index"));
        let mut seen = std::collections::HashSet::new();
        for t in KNOWN {
            assert!(seen.insert(*t), "{t} listed twice");
            assert!(
                t.starts_with("AWS::") && t.matches("::").count() == 2,
                "{t}"
            );
        }
    }

    #[test]
    fn an_unknown_type_names_the_nearest_known_one() {
        assert!(!is_known("AWS::S3::Objects"));
        assert_eq!(nearest("AWS::S3::Objects"), "AWS::S3::Object");
        assert_eq!(nearest("aws::lambda::function"), "AWS::Lambda::Function");
        assert_eq!(nearest("AWS::DynamoDB::Tables"), "AWS::DynamoDB::Table");
    }
}
