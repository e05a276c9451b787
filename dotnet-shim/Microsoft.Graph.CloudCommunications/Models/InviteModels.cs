using System;
using System.Collections;
using System.ComponentModel;
using System.Management.Automation;
using GraphRust.Authentication.Json;

// The interface names are Microsoft's, so parameter metadata and OutputType read as in their module.
namespace Microsoft.Graph.PowerShell.Models
{
    /// <summary>The invite request body (-BodyParameter). Any hashtable or object converts to it.</summary>
    [TypeConverter(typeof(PowerShellValueConverter))]
    public interface IPaths1Bh76WaCommunicationsCallsCallIdParticipantsMicrosoftGraphInvitePostRequestbodyContentApplicationJsonSchema
    {
    }

    /// <summary>The identity of a call (-InputObject): any hashtable or object with a CallId.</summary>
    [TypeConverter(typeof(PowerShellValueConverter))]
    public interface ICloudCommunicationsIdentity
    {
    }

    /// <summary>
    /// Holds the PowerShell value a parameter was given, unchanged: the body is converted
    /// to JSON generically and validated by the native side, not here. The generated models
    /// add every model interface to it (Generated/Models), so any hashtable binds to any of them.
    /// </summary>
    public sealed partial class PowerShellValue :
        IPaths1Bh76WaCommunicationsCallsCallIdParticipantsMicrosoftGraphInvitePostRequestbodyContentApplicationJsonSchema,
        ICloudCommunicationsIdentity,
        IWrapsPowerShellValue
    {
        public PowerShellValue(object? value)
        {
            WrappedValue = value;
        }

        public object? WrappedValue { get; }

        public override string ToString() => WrappedValue?.ToString() ?? string.Empty;
    }

    /// <summary>Lets PowerShell bind hashtables, ordered dictionaries and objects to the model interfaces.</summary>
    public sealed class PowerShellValueConverter : PSTypeConverter
    {
        /// <summary>The model interfaces: those in this namespace that PowerShellValue implements.</summary>
        private static bool IsModel(Type t) =>
            t.IsInterface && t.Namespace == typeof(PowerShellValue).Namespace && t.IsAssignableFrom(typeof(PowerShellValue));

        internal static bool IsObjectLike(object? value)
        {
            object? inner = value is PSObject pso ? pso.BaseObject : value;
            return inner is IDictionary || inner is PSCustomObject || inner is PowerShellValue
                || (inner is not null && inner is not string && !inner.GetType().IsPrimitive && inner is not IEnumerable);
        }

        public override bool CanConvertFrom(object sourceValue, Type destinationType) =>
            IsModel(destinationType) && IsObjectLike(sourceValue);

        public override object ConvertFrom(object sourceValue, Type destinationType, IFormatProvider formatProvider, bool ignoreCase)
        {
            if (!CanConvertFrom(sourceValue, destinationType))
            {
                throw new PSInvalidCastException(
                    $"Cannot convert a value of type {sourceValue?.GetType().Name ?? "null"} to {destinationType.Name}: give a hashtable or an object.");
            }

            return Wrap(sourceValue);
        }

        /// <summary>What ConvertFrom makes of an object-like value.</summary>
        internal static PowerShellValue Wrap(object sourceValue)
        {
            object? inner = sourceValue is PSObject pso && pso.BaseObject is not PSCustomObject ? pso.BaseObject : sourceValue;
            return inner as PowerShellValue ?? new PowerShellValue(sourceValue);
        }

        public override bool CanConvertTo(object sourceValue, Type destinationType) => false;

        public override object ConvertTo(object sourceValue, Type destinationType, IFormatProvider formatProvider, bool ignoreCase) =>
            throw new NotSupportedException();
    }

    /// <summary>
    /// Wraps a hashtable or object given to a model parameter before PowerShell binds it, as
    /// <see cref="PowerShellValueConverter"/> would: PowerShell looks a [TypeConverter] up by
    /// reflection and makes a new converter on every binding, which cost more than the rest
    /// of the binding. Anything else is left for the converter (and its error).
    /// </summary>
    [AttributeUsage(AttributeTargets.Property)]
    public sealed class PowerShellValueTransformationAttribute : ArgumentTransformationAttribute
    {
        public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
        {
            if (inputData is not null && PowerShellValueConverter.IsObjectLike(inputData))
            {
                return PowerShellValueConverter.Wrap(inputData);
            }

            object? inner = inputData is PSObject pso ? pso.BaseObject : inputData;
            if (inner is object?[] items && items.Length > 0 && Array.TrueForAll(items, i => i is not null && PowerShellValueConverter.IsObjectLike(i)))
            {
                return Array.ConvertAll(items, i => PowerShellValueConverter.Wrap(i!));
            }

            return inputData;
        }
    }
}
