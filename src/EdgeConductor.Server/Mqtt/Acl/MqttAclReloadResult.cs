namespace EdgeConductor.Server.Mqtt.Acl;

/// <summary>What a reload of the ACL file loaded (the body of POST /api/v1/mqtt/acl/reload, snake_case JSON).</summary>
/// <param name="File">The file's path (EC_MQTT_ACL_FILE).</param>
/// <param name="Users">Number of <c>user</c> sections.</param>
/// <param name="TopicRules">Number of <c>topic</c> lines.</param>
/// <param name="PatternRules">Number of <c>pattern</c> lines.</param>
/// <param name="LoadedAt">When it was loaded (UTC).</param>
public sealed record MqttAclReloadResult(string File, int Users, int TopicRules, int PatternRules, DateTimeOffset LoadedAt);
