using EdgeConductor.Server.Devices;
using EdgeConductor.Server.Errors;

namespace EdgeConductor.Server.Tests.Devices;

public sealed class SerialNumberTests
{
    [Theory]
    [InlineData("EC-CLM-001")]
    [InlineData("a")]
    [InlineData("ec_track.00001")]
    [InlineData("...")]
    [InlineData(".a")]
    [InlineData("0123456789012345678901234567890123456789012345678901234567890123")] // 64
    public void Valid(string serial)
    {
        Assert.True(SerialNumber.IsValid(serial));
        Assert.Equal(serial, SerialNumber.Validate(serial));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("01234567890123456789012345678901234567890123456789012345678901234")] // 65
    [InlineData("with space")]
    [InlineData("devices/x")]
    [InlineData("+")]
    [InlineData("#")]
    [InlineData("tab\t")]
    [InlineData("ünïcode")]
    [InlineData("EC-001\n")]
    [InlineData(".")]
    [InlineData("..")]
    public void Invalid(string? serial)
    {
        Assert.False(SerialNumber.IsValid(serial));
        var ex = Assert.Throws<ApiException>(() => SerialNumber.Validate(serial));
        Assert.Equal(400, ex.Status);
        Assert.NotNull(ex.Errors);
        Assert.True(ex.Errors.ContainsKey("serial_no"));
    }

    [Fact]
    public void Validate_NamesTheGivenField()
    {
        var ex = Assert.Throws<ApiException>(() => SerialNumber.Validate("bad serial", "serial"));
        Assert.True(ex.Errors!.ContainsKey("serial"));
    }

    [Fact]
    public void Presence_OnlineWithinFiveMinutes()
    {
        const long now = 10_000_000;
        Assert.False(DevicePresence.IsOnline(null, now));
        Assert.True(DevicePresence.IsOnline(now, now));
        Assert.True(DevicePresence.IsOnline(now - 299_999, now));
        Assert.False(DevicePresence.IsOnline(now - 300_000, now));
    }
}
