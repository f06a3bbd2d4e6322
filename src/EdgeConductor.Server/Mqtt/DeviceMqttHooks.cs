using System.Diagnostics.Metrics;
using System.Text;
using EdgeConductor.Mqtt.Broker;
using EdgeConductor.Mqtt.Packets;
using EdgeConductor.Mqtt.Protocol;
using EdgeConductor.Mqtt.Topics;
using EdgeConductor.Server.Auth;
using EdgeConductor.Server.Devices;
using EdgeConductor.Server.Gateway;
using EdgeConductor.Server.Tenancy;

namespace EdgeConductor.Server.Mqtt;

/// <summary>
/// Device authentication and the topic ACL of the built-in broker, and the hand-off of device messages to the
/// features through <see cref="IDeviceMessageSink"/>:
/// a device (username = serial, password = device secret) may publish only devices/{own}/telemetry,
/// devices/{own}/shadow/reported and devices/{own}/commands/ack, and subscribe only under devices/{own}/; a service client (password = org API key)
/// may do the same for every device of its org; anonymous sandbox clients (if allowed) stay outside devices/.
/// Reading is decided per message at delivery (<see cref="AuthorizeDeliveryAsync"/>) against the receiver's current
/// rights (<see cref="LiveRights"/>), so wildcard filters (<c>#</c>, <c>+/+</c>, <c>devices/+/telemetry</c>) are granted and
/// simply never carry a topic the client may not read.
/// </summary>
internal sealed class DeviceMqttHooks(IServiceProvider services, MqttServerOptions options, IMeterFactory meters, ILogger<DeviceMqttHooks> log)
    : IMqttBrokerHooks
{
    // From the host's meter factory (which disposes it): /metrics shows this host's denials only.
    private readonly Meter _meter = meters.Create("EdgeConductor.Server.Mqtt");
    private Counter<long>? _denied;
    private Acl.MqttAclStore? _acl;
    private DeviceStore Devices => services.GetRequiredService<DeviceStore>();
    private Counter<long> Denied => _denied ??= _meter.CreateCounter<long>("ec.mqtt.acl.denied", description: "Publishes and subscriptions refused by the device topic ACL.");

    public async ValueTask<MqttAuthenticationResult> AuthenticateAsync(MqttConnectContext context, CancellationToken ct)
    {
        var user = context.UserName;
        var password = context.Password is { } p ? Encoding.UTF8.GetString(p.Span) : null;
        var bad = context.ProtocolVersion == MqttProtocolVersion.V500 ? MqttReasonCode.BadUserNameOrPassword : MqttReasonCode.NotAuthorized;
        if (password is not null && password.StartsWith(ApiKeyStore.KeyPrefix, StringComparison.Ordinal))
        {
            var key = await services.GetRequiredService<ApiKeyStore>().AuthenticateAsync(password, ct);
            return key is null ? Reject(bad, context, "revoked or unknown API key") : MqttAuthenticationResult.Accept(new MqttPrincipal.Service(key.Id, key.OrgId), MqttPrincipal.ServiceOwner(key.Id));
        }
        if (user is not null && password is not null)
        {
            var device = await Devices.AuthenticateAsync(user, password, ct);
            return device is null
                ? Reject(bad, context, "bad device credentials")
                : MqttAuthenticationResult.Accept(new MqttPrincipal.Device(new DeviceRef(device.Id, device.SerialNo, device.OrgId)), MqttPrincipal.DeviceOwner(device.Id));
        }
        if (user is null && password is null && options.AllowAnonymous) return MqttAuthenticationResult.Accept(new MqttPrincipal.Anonymous(), MqttPrincipal.AnonymousOwner);
        return Reject(MqttReasonCode.NotAuthorized, context, "no credentials");
    }

    private MqttAuthenticationResult Reject(MqttReasonCode code, MqttConnectContext context, string why)
    {
        log.LogInformation("MQTT connect refused for client {ClientId} from {Remote}: {Why}", context.ClientId, context.Connection.RemoteEndPoint, why);
        return MqttAuthenticationResult.Reject(code);
    }

    public async ValueTask<MqttSubscribeAuthorization> AuthorizeSubscribeAsync(MqttClientInfo client, MqttTopicSubscription subscription, CancellationToken ct)
    {
        var rights = RightsOf(client);
        var filter = InnerFilter(subscription.Filter);
        var allowed = await rights.IsCurrentAsync(ct) && client.Principal switch
        {
            MqttPrincipal.Device d => filter.StartsWith($"{DeviceTopic.Root}/{d.Ref.Serial}/", StringComparison.Ordinal),
            // Wildcards are granted: delivery decides per message (AuthorizeDeliveryAsync). A literal serial must be the org's.
            MqttPrincipal.Service => DeviceTopic.NamesDeviceNamespace(filter) || !AclConfigured
                ? !DeviceTopic.TryParse(filter, out var serial, out _) || await rights.MayReadDeviceAsync(serial, ct)
                : AclMaySubscribe(client, filter),
            MqttPrincipal.Anonymous => !DeviceTopic.NamesDeviceNamespace(filter) && AclMaySubscribe(client, filter),
            _ => false,
        };
        if (allowed) return MqttSubscribeAuthorization.Grant(subscription.QoS);
        Denied.Add(1, new KeyValuePair<string, object?>("action", "subscribe"));
        return MqttSubscribeAuthorization.Deny(MqttReasonCode.NotAuthorized);
    }

    /// <summary>
    /// The delivery-time ACL: a device reads only devices/{own}/…, a service client only its org's devices' topics (as
    /// they are owned now), an anonymous client nothing under devices/. Synchronous and allocation-free while the
    /// receiver's rights and the device's owner are cached at the current <see cref="AccessEpoch"/>.
    /// </summary>
    public ValueTask<bool> AuthorizeDeliveryAsync(MqttClientInfo client, MqttApplicationMessage message, CancellationToken ct)
    {
        var topic = message.Topic;
        var inDevices = topic.StartsWith(DeviceTopic.Root + "/", StringComparison.Ordinal);
        if (!inDevices && client.Principal is MqttPrincipal.Service or MqttPrincipal.Anonymous && Acl.Current is { } acl)
            return new(acl.MayRead(client.UserName, client.ClientId, topic)); // EC_MQTT_ACL_FILE governs outside devices/
        if (client.Principal is MqttPrincipal.Anonymous) return new(!inDevices);
        // $SYS/broker/… statistics: readable by service clients (and sandbox clients above), never by devices.
        if (!inDevices) return new(client.Principal is MqttPrincipal.Service && topic.StartsWith(MqttBroker.SysPrefix, StringComparison.Ordinal));
        var rest = topic.AsSpan(DeviceTopic.Root.Length + 1);
        var slash = rest.IndexOf('/');
        if (slash <= 0) return new(false);
        var rights = RightsOf(client);
        if (rights.TryMayReadDevice(rest[..slash], out var allowed)) return new(allowed);
        return rights.MayReadDeviceAsync(rest[..slash].ToString(), ct);
    }

    public async ValueTask<MqttPublishResult> OnPublishAsync(MqttPublishContext context, CancellationToken ct)
    {
        var topic = context.Message.Topic;
        var principal = context.Client.Principal;
        var rights = RightsOf(context.Client);
        if (!await rights.IsCurrentAsync(ct))
        {
            // The credential is gone (revoked key, moved or deleted device): refuse, and close the session now.
            services.GetRequiredService<MqttAccessRevalidator>().Close(context.Client);
            return Deny("this client's credential is no longer valid");
        }

        if (principal is MqttPrincipal.Anonymous)
            return topic.StartsWith(DeviceTopic.Root + "/", StringComparison.Ordinal) ? Deny("the devices/ namespace needs device credentials")
                : Acl.Current is { } anonymousAcl && !anonymousAcl.MayWrite(context.Client.UserName, context.Client.ClientId, topic) ? Deny("the ACL file does not allow this topic")
                : MqttPublishResult.Accept;

        if (principal is MqttPrincipal.Service && !DeviceTopic.NamesDeviceNamespace(topic) && Acl.Current is { } serviceAcl)
            return serviceAcl.MayWrite(context.Client.UserName, context.Client.ClientId, topic) ? MqttPublishResult.Accept : Deny("the ACL file does not allow this topic");

        const string allowed = "devices may publish only devices/{serial}/telemetry, devices/{serial}/shadow/reported, devices/{serial}/commands/ack and devices/{serial}/ota/status";
        if (!DeviceTopic.TryParse(topic, out var serial, out var rest)) return Deny(allowed);
        // Feature report topics (devices/{serial}/ota/status) go to their handler instead of the telemetry sink.
        var kind = DeviceTopic.InboundKind(rest);
        var isCommandAck = kind is null && rest == DeviceTopic.CommandAck;
        var report = kind is null && !isCommandAck ? services.GetServices<IDeviceReportHandler>().FirstOrDefault(h => h.TopicSuffix == rest) : null;
        if (kind is null && report is null && !isCommandAck) return Deny(allowed);

        DeviceRef? device = principal switch
        {
            MqttPrincipal.Device d when d.Ref.Serial == serial => d.Ref,
            MqttPrincipal.Service s => await OrgDeviceAsync(rights, s, serial, ct),
            _ => null,
        };
        if (device is null) return Deny("not this client's device");
        if (isCommandAck) return await CommandAckAsync(device, context.Message.Payload);

        var result = report is not null ? await report.HandleAsync(device, context.Message.Payload, CancellationToken.None) : await services.GetRequiredService<IDeviceMessageSink>().ReceiveAsync(device, kind!.Value, context.Message.Payload, CancellationToken.None);
        return result.Accepted ? MqttPublishResult.Accept : MqttPublishResult.Reject(MqttReasonCode.PayloadFormatInvalid, result.Error);
    }

    /// <summary>A device's answer on devices/{serial}/commands/ack; a bad or refused answer is a PUBACK with a reason (v5).</summary>
    private async ValueTask<MqttPublishResult> CommandAckAsync(DeviceRef device, ReadOnlyMemory<byte> payload)
    {
        var ack = Commands.CommandAcks.ParseAnswer(payload.Span, null, out var field, out var error);
        if (ack is null) return MqttPublishResult.Reject(MqttReasonCode.PayloadFormatInvalid, $"{field}: {error}");
        var (outcome, command) = await services.GetRequiredService<Commands.CommandAcks>().ApplyAsync(device, ack, "mqtt", CancellationToken.None);
        if (outcome == Commands.CommandStore.AckOutcome.Applied) return MqttPublishResult.Accept;
        var why = outcome switch
        {
            Commands.CommandStore.AckOutcome.NotFound => $"command '{ack.Id}' not found for this device",
            Commands.CommandStore.AckOutcome.Expired => $"command '{ack.Id}' expired before it was answered",
            _ => $"command '{ack.Id}' already ended as {command?.Status}",
        };
        return MqttPublishResult.Reject(MqttReasonCode.ImplementationSpecificError, why);
    }

    /// <summary>The connection's live rights, made on first use and kept in <see cref="MqttClientInfo.HostState"/>.</summary>
    internal LiveRights RightsOf(MqttClientInfo client)
    {
        if (client.HostState is LiveRights rights) return rights;
        lock (client)
        {
            if (client.HostState is LiveRights made) return made;
            var live = services.GetRequiredService<LiveAccess>();
            rights = client.Principal switch
            {
                MqttPrincipal.Device d => live.ForDevice(d.Ref.Serial, d.Ref.OrgId),
                MqttPrincipal.Service s => live.ForCaller(ServiceCaller(s), AccessScope.For(ServiceCaller(s), [])),
                _ => live.ForAnonymous(),
            };
            client.HostState = rights;
            return rights;
        }
    }

    /// <summary>A service client acts as its API key does over HTTP: that org's org_admin (see <see cref="ApiKeyStore.ToCaller"/>).</summary>
    private static Caller ServiceCaller(MqttPrincipal.Service s) => new(Caller.ApiKeyKind, s.ApiKeyId, Roles.OrgAdmin, s.OrgId, null, null, null);

    private MqttPublishResult Deny(string why)
    {
        Denied.Add(1, new KeyValuePair<string, object?>("action", "publish"));
        return MqttPublishResult.Reject(MqttReasonCode.NotAuthorized, why);
    }

    public async ValueTask OnSubscribedAsync(MqttClientInfo client, MqttTopicSubscription subscription, CancellationToken ct)
    {
        if (client.Principal is not MqttPrincipal.Device d) return;
        var filter = InnerFilter(subscription.Filter);
        services.GetRequiredService<BrokerDeviceGateway>().MarkSubscribed(client, d.Ref.Serial, filter);
        foreach (var channel in DeviceTopic.Channels)
        {
            if (!MqttTopic.Matches(filter, DeviceTopic.For(d.Ref.Serial, channel))) continue;
            foreach (var observer in services.GetServices<IDeviceSubscriptionObserver>())
            {
                try
                {
                    await observer.OnSubscribedAsync(d.Ref, channel, ct);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    log.LogError(ex, "Delivering pending {Channel} to {Serial} failed", channel, d.Ref.Serial);
                }
            }
        }
    }

    public ValueTask OnUnsubscribedAsync(MqttClientInfo client, string filter, CancellationToken ct)
    {
        if (client.Principal is MqttPrincipal.Device)
            services.GetRequiredService<BrokerDeviceGateway>().MarkUnsubscribed(client, InnerFilter(filter));
        return ValueTask.CompletedTask;
    }

    public ValueTask OnClientConnectedAsync(MqttClientInfo client)
    {
        if (client.Principal is not MqttPrincipal.Device d) return ValueTask.CompletedTask;
        var gateway = services.GetRequiredService<BrokerDeviceGateway>();
        gateway.MarkConnected(client, d.Ref.Serial);
        // A resumed session listens on its stored (and just re-authorized) filters without subscribing again.
        foreach (var filter in services.GetRequiredService<MqttBroker>().GetSubscriptions(client.SessionKey))
            gateway.MarkSubscribed(client, d.Ref.Serial, InnerFilter(filter));
        return ValueTask.CompletedTask;
    }

    public ValueTask OnClientDisconnectedAsync(MqttClientInfo client, MqttDisconnectReason reason)
    {
        services.GetRequiredService<BrokerDeviceGateway>().ForgetClient(client);
        return ValueTask.CompletedTask;
    }

    private async ValueTask<DeviceRef?> OrgDeviceAsync(LiveRights rights, MqttPrincipal.Service s, string serial, CancellationToken ct)
    {
        if (!await rights.MayReadDeviceAsync(serial, ct)) return null;
        var owner = await services.GetRequiredService<LiveAccess>().GetOwnerAsync(serial, ct);
        return owner.Exists && owner.OrgId == s.OrgId ? new DeviceRef(owner.Id, serial, owner.OrgId) : null;
    }

    private Acl.MqttAclStore Acl => _acl ??= services.GetRequiredService<Acl.MqttAclStore>();

    private bool AclConfigured => Acl.Current is not null;

    /// <summary>
    /// EC_MQTT_ACL_FILE at SUBSCRIBE for a filter outside devices/: a read line must cover it. A filter whose first level is
    /// a wildcard also spans devices/, so it is granted and delivery decides per message. No file: allowed.
    /// </summary>
    private bool AclMaySubscribe(MqttClientInfo client, string filter) =>
        Acl.Current is not { } acl || filter.StartsWith('+') || filter.StartsWith('#') || acl.MaySubscribe(client.UserName, client.ClientId, filter);

    private static string InnerFilter(string filter) =>
        MqttTopic.TryParseShared(filter, out _, out var inner) ? inner : filter;
}
