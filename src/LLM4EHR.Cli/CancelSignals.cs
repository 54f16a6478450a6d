using System.Runtime.InteropServices;

namespace LLM4EHR.Cli;

/// <summary>
/// Ctrl+C (SIGINT) and SIGTERM (kill, Slurm preemption or scancel) as a cancellation: the first signal asks the running
/// work to stop cleanly (training saves its resume checkpoint), a second one ends the process at once.
/// </summary>
internal sealed class CancelSignals : IDisposable
{
    private readonly CancellationTokenSource _cts;
    private readonly PosixSignalRegistration[] _registrations;

    public CancelSignals(CancellationToken outer)
    {
        _cts = CancellationTokenSource.CreateLinkedTokenSource(outer);
        _registrations = [PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal), PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal)];
    }

    public CancellationToken Token => _cts.Token;

    private void OnSignal(PosixSignalContext context)
    {
        // Cancel = true keeps the process alive for the clean stop; on a repeat the default action ends it.
        context.Cancel = !_cts.IsCancellationRequested;
        _cts.Cancel();
    }

    public void Dispose()
    {
        foreach (var registration in _registrations)
            registration.Dispose();
        _cts.Dispose();
    }
}
