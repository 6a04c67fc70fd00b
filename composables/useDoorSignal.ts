// What the door hears and feels: a short high beep and one buzz for a ticket let in, a
// low longer tone and three buzzes for one refused, so staff need not read the screen.

let audio: AudioContext | undefined

function beep(frequency: number, seconds: number) {
  const Ctx = globalThis.AudioContext ?? (globalThis as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext
  if (!Ctx) return
  try {
    audio ??= new Ctx()
    void audio.resume()
    const osc = audio.createOscillator()
    const gain = audio.createGain()
    osc.frequency.value = frequency
    gain.gain.setValueAtTime(0.2, audio.currentTime)
    gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + seconds)
    osc.connect(gain).connect(audio.destination)
    osc.start()
    osc.stop(audio.currentTime + seconds)
  }
  catch {
    // No sound on this device: the colour and the vibration still tell.
  }
}

/** Signals a check-in's outcome by sound and vibration (where the device has them). */
export function useDoorSignal() {
  return (ok: boolean) => {
    if (ok) beep(880, 0.15)
    else beep(220, 0.45)
    navigator.vibrate?.(ok ? 150 : [100, 60, 100, 60, 100])
  }
}
