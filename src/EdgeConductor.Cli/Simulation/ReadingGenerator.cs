using System.Text.Json.Nodes;

namespace EdgeConductor.Cli.Simulation;

/// <summary>
/// The sensor values of one device, reading by reading. Everything comes from one <see cref="Random"/> seeded with the
/// run's seed and the device's position in the fleet, and from the reading's number (its simulated time = seq ×
/// interval), never from the wall clock: the same seed gives the same values. Daily cycles (temperature peaks in the
/// afternoon, CO₂ while occupied), noise, battery drain (LiPo 4.2 → 3.3 V, seed 001 "Diagnostics").
/// </summary>
internal sealed class ReadingGenerator
{
    private const double Day = 86_400;
    private readonly Random _rng;
    private readonly SimulationProfile _profile;
    private readonly double _intervalSeconds;
    private readonly double _startSecondOfDay;
    private readonly double _baseTemp, _tempAmplitude, _baseHum, _baseCo2, _batStart, _batDrain, _baseSignal, _baseHeap;
    private double _lat, _lng, _heading, _speed, _hvacTemp;

    public ReadingGenerator(int seed, int index, SimulationProfile profile, TimeSpan interval)
    {
        _rng = new Random(unchecked(seed * 1_000_003 + index * 7919 + 17));
        FaultRng = new Random(unchecked(seed * 999_983 + index * 104_729 + 5));
        _profile = profile;
        _intervalSeconds = interval.TotalSeconds;
        _startSecondOfDay = _rng.Next(0, 24) * 3600.0;
        _baseTemp = Between(19.5, 23.5);
        _tempAmplitude = Between(1.2, 2.8);
        _baseHum = Between(40, 58);
        _baseCo2 = Between(450, 650);
        _batStart = Between(3.95, 4.15);
        _batDrain = Between(1e-5, 3e-5);
        _baseSignal = profile == SimulationProfile.Tracker ? Between(-95, -70) : Between(-72, -50);
        _baseHeap = Between(178_000, 196_000);
        _lat = 48.137 + Between(-0.05, 0.05);
        _lng = 11.575 + Between(-0.08, 0.08);
        _heading = Between(0, 2 * Math.PI);
        _speed = Between(0, 60);
        _hvacTemp = _baseTemp + 2;
    }

    /// <summary>A second random stream for decisions that must not shift the values (coverage gaps, time to first fix).</summary>
    public Random FaultRng { get; }

    private double Between(double min, double max) => min + _rng.NextDouble() * (max - min);

    private double Noise(double scale) => (_rng.NextDouble() * 2 - 1) * scale;

    /// <summary>The next reading's values; <paramref name="spike"/> makes it an anomaly spike.</summary>
    /// <param name="seq">The reading's number (1, 2, …).</param>
    /// <param name="spikeRate">Probability of a spike.</param>
    /// <param name="relay">The relay state the device applied (climate, HVAC).</param>
    /// <param name="setpoint">The HVAC setpoint (°C).</param>
    /// <param name="spike">Whether this reading was made a spike.</param>
    public JsonObject Next(long seq, double spikeRate, bool relay, double setpoint, out bool spike)
    {
        var t = _startSecondOfDay + seq * _intervalSeconds;
        var phase = 2 * Math.PI * (t % Day) / Day; // 0 at midnight
        var daily = Math.Sin(phase - Math.PI / 2 - Math.PI / 6); // lowest ~04:00, highest ~16:00
        var bat = Math.Max(3.3, _batStart - _batDrain * seq + Noise(0.005));
        var signal = Math.Round(_baseSignal + Noise(3));
        spike = spikeRate > 0 && _rng.NextDouble() < spikeRate;
        var r = new JsonObject();
        switch (_profile)
        {
            case SimulationProfile.Climate:
            {
                var temp = _baseTemp + _tempAmplitude * daily + Noise(0.15);
                var occupied = Math.Max(0, Math.Sin(phase - Math.PI / 3)); // day-time occupancy
                var co2 = _baseCo2 + 350 * occupied + Noise(15);
                var hum = _baseHum - 1.5 * (temp - _baseTemp) + Noise(1);
                if (spike)
                {
                    temp = temp * 1.8 + 5;
                    co2 *= 2.5;
                    hum *= 1.6;
                }
                r["temp"] = Math.Round(temp, 2);
                r["hum"] = Math.Round(Math.Clamp(hum, 0, 100), 1);
                r["co2"] = Math.Round(co2);
                r["bat"] = Math.Round(bat, 3);
                r["signal"] = signal;
                r["heap"] = Math.Round(_baseHeap + Noise(2500));
                r["relay"] = relay;
                break;
            }
            case SimulationProfile.Hvac:
            {
                var ambient = _baseTemp + 2 + _tempAmplitude * daily;
                // With the relay on the room converges on the setpoint (10 % of the gap per reading); off, it drifts back to ambient.
                _hvacTemp += ((relay ? setpoint : ambient) - _hvacTemp) * (relay ? 0.1 : 0.05) + Noise(0.05);
                var temp = _hvacTemp;
                if (spike) temp = temp * 1.8 + 5;
                r["temp"] = Math.Round(temp, 2);
                r["relay"] = relay;
                r["setpoint"] = setpoint;
                r["bat"] = Math.Round(bat, 3);
                r["signal"] = signal;
                r["heap"] = Math.Round(_baseHeap + Noise(2500));
                break;
            }
            case SimulationProfile.Tracker:
            {
                _speed = Math.Clamp(_speed + Noise(8), 0, 110);
                _heading += Noise(0.3);
                var km = _speed * _intervalSeconds / 3600;
                _lat += km / 111.0 * Math.Cos(_heading);
                _lng += km / (111.0 * Math.Cos(_lat * Math.PI / 180)) * Math.Sin(_heading);
                var sats = _rng.Next(3, 13);
                r["lat"] = Math.Round(_lat, 6);
                r["lng"] = Math.Round(_lng, 6);
                r["speed"] = Math.Round(spike ? _speed * 3 + 50 : _speed, 1);
                r["gps_fix"] = sats >= 4;
                r["sats"] = sats;
                r["bat"] = Math.Round(bat, 3);
                r["signal"] = signal;
                break;
            }
        }
        return r;
    }

    /// <summary>Seconds to the first GPS fix after a boot (trackers).</summary>
    public double NextTtff() => Math.Round(12 + FaultRng.NextDouble() * 26, 1);
}
