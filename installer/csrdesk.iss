; Inno Setup script: the Windows installer for csrdesk (run by installer\build.ps1 with /DAppVersion=x.y.z).
; Installs per user by default (no administrator rights needed), adds a Start-menu entry, and its uninstaller
; removes the program only: the user's database, backups, evidence and templates in %LOCALAPPDATA%\csrdesk stay.

#ifndef AppVersion
  #define AppVersion "0.0.0"
#endif

[Setup]
AppId={{6C3F2B1E-5D2A-4B7C-9E61-0C5A7F3D2B94}
AppName=csrdesk
AppVersion={#AppVersion}
AppVerName=csrdesk {#AppVersion}
AppPublisher=csrdesk
DefaultDirName={autopf}\csrdesk
DefaultGroupName=csrdesk
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
OutputDir=..\dist
OutputBaseFilename=csrdesk-{#AppVersion}-setup
SetupIconFile=..\resources\icons\csrdesk.ico
UninstallDisplayIcon={app}\csrdesk.exe
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
ArchitecturesInstallIn64BitMode=x64compatible
LicenseFile=..\dist\csrdesk\licenses\THIRD-PARTY-NOTICES.txt

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "..\dist\csrdesk\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\csrdesk"; Filename: "{app}\csrdesk.exe"
Name: "{group}\Uninstall csrdesk"; Filename: "{uninstallexe}"
Name: "{autodesktop}\csrdesk"; Filename: "{app}\csrdesk.exe"; Tasks: desktopicon

[Run]
Filename: "{app}\csrdesk.exe"; Description: "{cm:LaunchProgram,csrdesk}"; Flags: nowait postinstall skipifsilent

; Only what the installer put in {app} is removed; nothing under {localappdata}\csrdesk is touched.
[UninstallDelete]
Type: filesandordirs; Name: "{app}\__pycache__"
