namespace EdgeConductor.Cli.Simulation;

/// <summary>Names of the profiles on the command line and the product types they register as.</summary>
public static class SimulationProfiles
{
    /// <summary>The product type a profile registers as: <c>EC-CLIMATE-V1</c> (seed 001), <c>tracker</c> (seed 000 CLI examples), <c>EC-HVAC-V1</c>.</summary>
    public static string ProductType(SimulationProfile profile) => profile switch
    {
        SimulationProfile.Climate => "EC-CLIMATE-V1",
        SimulationProfile.Tracker => "tracker",
        SimulationProfile.Hvac => "EC-HVAC-V1",
        _ => throw new ArgumentOutOfRangeException(nameof(profile)),
    };

    /// <summary>Parses <c>climate</c>, <c>tracker</c> or <c>hvac</c> (case-insensitive).</summary>
    public static bool TryParse(string? text, out SimulationProfile profile)
    {
        switch (text?.Trim().ToLowerInvariant())
        {
            case "climate":
                profile = SimulationProfile.Climate;
                return true;
            case "tracker":
                profile = SimulationProfile.Tracker;
                return true;
            case "hvac":
                profile = SimulationProfile.Hvac;
                return true;
            default:
                profile = default;
                return false;
        }
    }
}
