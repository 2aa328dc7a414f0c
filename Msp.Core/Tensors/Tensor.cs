using ILGPU;
using Msp.Core.Devices;

namespace Msp.Core.Tensors;

/// <summary>
/// A float32 tensor: shape, device, storage and gradient, nothing more. Ops live in <c>Msp.Core.Ops</c>.
/// A tensor made inside a <see cref="TensorScope"/> gives its storage back when the scope ends; one made
/// outside any scope (parameters, optimizer state) lives until it is disposed.
/// </summary>
public sealed class Tensor : IDisposable
{
    private readonly Storage _storage;
    private readonly Tensor? _base;     // the tensor whose storage a reshape view shares
    private Tensor? _grad;

    private Tensor(Shape shape, IDevice device, Storage storage, Tensor? viewOf)
    {
        Shape = shape;
        Device = device;
        _storage = storage;
        _base = viewOf;
    }

    public Shape Shape { get; }

    public IDevice Device { get; }

    /// <summary>Whether backward passes a gradient to this tensor.</summary>
    public bool RequiresGrad { get; set; }

    /// <summary>The accumulated gradient, or null if none has reached this tensor yet.</summary>
    public Tensor? Grad => _base is null ? _grad : _base.Grad?.ReshapeView(Shape);

    /// <summary>Scope that owns the storage, null for persistent tensors.</summary>
    internal TensorScope? Owner { get; private set; }

    internal Storage Storage
    {
        get
        {
            var root = _base ?? this;
            if (root._storage.Released)
                throw new ObjectDisposedException(nameof(Tensor),
                    $"Tensor {Shape} was used after its scope ended; keep it with TensorScope.Keep or read it before the scope closes.");
            return root._storage;
        }
    }

    /// <summary>The data of a <see cref="DeviceKind.Cpu"/> tensor.</summary>
    public Span<float> Span => ((CpuStorage)Storage).Span;

    /// <summary>The data of a tensor on an ILGPU device.</summary>
    public ArrayView<float> View => ((IlgpuStorage)Storage).View;

    public int Size => Shape.Size;

    /// <summary>A tensor with undefined contents, owned by the current scope.</summary>
    public static Tensor Empty(Shape shape, IDevice device)
    {
        var tensor = new Tensor(shape, device, device.Allocate(shape.Size), null);
        TensorScope.Adopt(tensor);
        return tensor;
    }

    public static Tensor Zeros(Shape shape, IDevice device) => Full(shape, 0f, device);

    public static Tensor Full(Shape shape, float value, IDevice device)
    {
        var tensor = Empty(shape, device);
        tensor.Fill(value);
        return tensor;
    }

    public static Tensor FromArray(ReadOnlySpan<float> data, Shape shape, IDevice device)
    {
        if (data.Length != shape.Size)
            throw new ArgumentException($"{data.Length} values do not fill a tensor of shape {shape} ({shape.Size} values).");
        var tensor = Empty(shape, device);
        device.Upload(data, tensor.Storage);
        return tensor;
    }

    public static Tensor Scalar(float value, IDevice device) => FromArray([value], new Shape(), device);

    /// <summary>Copies the data to the host (synchronising the device).</summary>
    public float[] ToArray()
    {
        var data = new float[Size];
        Device.Download(Storage, data);
        return data;
    }

    /// <summary>The value of a one-element tensor.</summary>
    public float Item()
    {
        if (Size != 1)
            throw new InvalidOperationException($"Item() needs a one-element tensor, got shape {Shape}.");
        Span<float> value = stackalloc float[1];
        Device.Download(Storage, value);
        return value[0];
    }

    public void CopyFrom(ReadOnlySpan<float> data)
    {
        if (data.Length != Size)
            throw new ArgumentException($"{data.Length} values do not fill tensor of shape {Shape}.");
        Device.Upload(data, Storage);
    }

    public void Fill(float value)
    {
        if (Device is IlgpuDevice gpu)
            Kernels.ElementwiseKernels.Fill(gpu.Accelerator, value, View);
        else
            Kernels.ElementwiseKernels.Fill(value, Span);
    }

    /// <summary>The same storage under another shape of equal size. Gradients flow through it unchanged.</summary>
    internal Tensor ReshapeView(Shape shape)
    {
        if (shape.Size != Size)
            throw new ArgumentException($"Cannot reshape {Shape} ({Size} values) to {shape} ({shape.Size} values).");
        return new Tensor(shape, Device, (_base ?? this)._storage, _base ?? this) { RequiresGrad = RequiresGrad };
    }

    /// <summary>The gradient buffer backward adds into, made (zeroed) on first use in the tensor's own scope.</summary>
    internal Tensor GradForAccumulation()
    {
        if (_base is not null)
            return _base.GradForAccumulation().ReshapeView(Shape);
        if (_grad is null)
        {
            using (TensorScope.Enter(Owner))
                _grad = Zeros(Shape, Device);
        }
        return _grad;
    }

    /// <summary>Drops the gradient buffer's contents (sets it to zero) if there is one.</summary>
    public void ZeroGrad() => (_base ?? this)._grad?.Fill(0f);

    internal void SetOwner(TensorScope? owner) => Owner = owner;

    /// <summary>Gives the storage (and gradient) of a persistent tensor back to the pool.</summary>
    public void Dispose()
    {
        if (_base is not null || _storage.Released)
            return;
        _grad?.Dispose();
        _storage.Released = true;
        Device.Release(_storage);
    }

    public override string ToString() => $"Tensor{Shape} on {DeviceFactory.ToName(Device.Kind)}";
}
