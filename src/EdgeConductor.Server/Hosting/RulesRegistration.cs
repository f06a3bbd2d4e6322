using EdgeConductor.Server.Rules;
using EdgeConductor.Server.Telemetry;

namespace EdgeConductor.Server.Hosting;

internal static class RulesRegistration
{
    /// <summary>The rules engine: store, in-stream threshold evaluation, the schedule worker, actions, the rule directory.</summary>
    public static IServiceCollection AddRules(this IServiceCollection s, IConfiguration config)
    {
        s.AddSingleton(RulesOptions.FromConfiguration(config));
        s.AddSingleton<RuleStore>();
        s.AddSingleton<IRuleDirectory, RuleDirectory>();
        s.AddSingleton<RuleActions>();
        s.AddSingleton<ThresholdEngine>();
        s.AddSingleton<ITelemetryObserver>(sp => sp.GetRequiredService<ThresholdEngine>());
        s.AddHostedService(sp => sp.GetRequiredService<ThresholdEngine>());
        s.AddSingleton<ScheduleWorker>();
        s.AddHostedService(sp => sp.GetRequiredService<ScheduleWorker>());
        return s;
    }
}
