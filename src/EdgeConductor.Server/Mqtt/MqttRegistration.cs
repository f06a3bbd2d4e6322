using EdgeConductor.Mqtt.Broker;
using EdgeConductor.Server.Gateway;
using EdgeConductor.Server.Hosting;

namespace EdgeConductor.Server.Mqtt;

internal static class MqttRegistration
{
    /// <summary>The built-in broker as the device gateway, and its Kestrel listeners.</summary>
    public static WebApplicationBuilder AddBuiltInBroker(this WebApplicationBuilder builder, EcOptions ec)
    {
        var mqtt = MqttServerOptions.FromConfiguration(builder.Configuration);
        var s = builder.Services;
        s.AddSingleton(mqtt);
        s.AddSingleton<DeviceMqttHooks>();
        s.AddSingleton<Acl.MqttAclStore>();
        s.AddHostedService<Acl.MqttAclReloader>();
        s.AddSingleton(sp => new MqttBroker(new MqttBrokerOptions
        {
            Hooks = sp.GetRequiredService<DeviceMqttHooks>(),
            TimeProvider = sp.GetRequiredService<TimeProvider>(),
            MaximumPacketSize = 256 * 1024,
            MaxQueuedMessages = mqtt.MaxQueuedMessages,
            MaxQueuedBytes = mqtt.MaxQueuedBytes,
            MaximumKeepAlive = mqtt.MaxKeepAliveSeconds,
            SysTopicsInterval = TimeSpan.FromSeconds(mqtt.SysIntervalSeconds),
            MaxSessionsPerOwner = mqtt.MaxSessionsPerCredential,
            MaxSubscriptionsPerClient = mqtt.MaxSubscriptionsPerSession,
            MaxTopicFilterLength = mqtt.MaxTopicFilterLength,
            MaximumSessionExpiryInterval = mqtt.SessionExpirySeconds,
            PersistentSessionExpiryV311 = TimeSpan.FromSeconds(mqtt.SessionExpirySeconds),
            MeterFactory = sp.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(),
            StateStore = sp.GetService<EdgeConductor.Mqtt.Broker.Persistence.IBrokerStateStore>(),
            OnError = (ex, where) => sp.GetRequiredService<ILogger<MqttBroker>>().LogError(ex, "MQTT broker error in {Where}", where),
        }));
        s.AddSingleton<MqttAccessRevalidator>();
        s.AddHostedService(sp => sp.GetRequiredService<MqttAccessRevalidator>());
        s.AddHostedService<MqttTcpEndpoint>();
        s.AddSingleton<BrokerDeviceGateway>();
        s.AddSingleton<IDeviceGateway>(sp => sp.GetRequiredService<BrokerDeviceGateway>());
        builder.WebHost.ConfigureKestrel((ctx, kestrel) =>
        {
            var log = kestrel.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger("EdgeConductor.Mqtt");
            MqttListeners.Configure(kestrel, ctx.Configuration, mqtt, ec, log);
            if (mqtt.AllowAnonymous)
                log.LogWarning("EC_MQTT_ALLOW_ANONYMOUS=true: unauthenticated MQTT clients may use every topic outside devices/. This is an insecure sandbox.");
        });
        return builder;
    }
}
