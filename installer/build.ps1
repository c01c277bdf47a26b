# Builds the one-folder csrdesk app into dist\csrdesk and, where Inno Setup is installed, the Windows installer.
$ErrorActionPreference = "Stop"
Set-Location (Join-Path $PSScriptRoot "..")

if (-not $env:VIRTUAL_ENV) {
    py -3 -m venv build\venv
    . .\build\venv\Scripts\Activate.ps1
    python -m pip install -q --upgrade pip
}
python -m pip install -q -e ".[installer]"
$env:PYTHONNOUSERSITE = "1"
python -m PyInstaller --noconfirm --clean --log-level WARN --distpath dist --workpath build\pyinstaller installer\csrdesk.spec
if ($LASTEXITCODE -ne 0) { throw "PyInstaller failed" }

& dist\csrdesk\csrdesk-cli.exe selftest
if ($LASTEXITCODE -ne 0) { throw "the self-test of the frozen app failed" }

$version = (python -c "import csrdesk; print(csrdesk.__version__)").Trim()
$iscc = Get-Command iscc.exe -ErrorAction SilentlyContinue
if (-not $iscc) { $iscc = Get-Item "${env:ProgramFiles(x86)}\Inno Setup 6\ISCC.exe" -ErrorAction SilentlyContinue }
if ($iscc) {
    & $iscc "/DAppVersion=$version" installer\csrdesk.iss
    Write-Host "installer: dist\csrdesk-$version-setup.exe"
} else {
    Write-Host "Inno Setup 6 not found: the app is in dist\csrdesk; install Inno Setup to make the installer."
}
