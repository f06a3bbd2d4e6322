using EdgeConductor.Server.Common;
using EdgeConductor.Server.Errors;
using EdgeConductor.Server.Tenancy;

namespace EdgeConductor.Server.Tests.Tenancy;

public sealed class SlugTests
{
    [Theory]
    [InlineData("Acme Corp", "acme-corp")]
    [InlineData("  Acme   Manufacturing  ", "acme-manufacturing")]
    [InlineData("ACME--Corp!!", "acme-corp")]
    [InlineData("Müller & Söhne GmbH", "m-ller-s-hne-gmbh")]
    [InlineData("2nd Floor Labs", "2nd-floor-labs")]
    [InlineData("!!!", "")]
    [InlineData("", "")]
    public void SlugFrom_DerivesLowerCaseDashedSlug(string name, string expected) => Assert.Equal(expected, OrgStore.SlugFrom(name));

    [Fact]
    public void SlugFrom_LongName_CutTo63WithoutTrailingDash()
    {
        var slug = OrgStore.SlugFrom(new string('a', 62) + " b" + new string('c', 20));
        Assert.True(slug.Length <= 63);
        Assert.False(slug.EndsWith('-'));
        Assert.Equal(new string('a', 62), slug);
    }

    [Theory]
    [InlineData("Acme Corp")]
    [InlineData("Müller & Söhne GmbH")]
    [InlineData("x y z 1 2 3")]
    public void SlugFrom_AlwaysPassesSlugValidation(string name) => Assert.Equal(OrgStore.SlugFrom(name), Check.Slug(OrgStore.SlugFrom(name)));

    [Theory]
    [InlineData("Acme")]
    [InlineData("-acme")]
    [InlineData("acme-")]
    [InlineData("ac--me")]
    [InlineData("ac me")]
    [InlineData("")]
    public void Check_Slug_RejectsInvalid(string slug) => Assert.Throws<ApiException>(() => Check.Slug(slug));
}
