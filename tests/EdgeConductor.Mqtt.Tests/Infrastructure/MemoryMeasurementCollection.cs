namespace EdgeConductor.Mqtt.Tests.Infrastructure;

/// <summary>
/// Tests that compare the process's GC heap before and after (fuzz, back-pressure) run alone: with other test classes running
/// in parallel, their allocations would count against the measurement.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MemoryMeasurementCollection
{
    public const string Name = "Memory measurement (not parallel)";
}
