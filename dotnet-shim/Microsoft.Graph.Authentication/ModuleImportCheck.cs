using System.IO;
using System.Management.Automation;

namespace GraphRust.Authentication
{
    /// <summary>
    /// At Import-Module: a package that holds no native library for this platform says so, with
    /// the platforms it holds, instead of importing and failing at the first call. A file check only.
    /// </summary>
    public sealed class ModuleImportCheck : IModuleAssemblyInitializer
    {
        public void OnImport()
        {
            string directory = Path.GetDirectoryName(typeof(ModuleImportCheck).Assembly.Location) ?? ".";
            string? problem = NativeRuntime.MissingRuntimeMessage(directory, NativeRuntime.Current);
            if (problem is not null)
            {
                throw new PSNotSupportedException(problem);
            }
        }
    }
}
