; Inno Setup recipe for Routine Explorer's Windows installer, run by packaging/ci/installers.yml on a Windows
; machine after scripts/build_bundle.py (dist\routine-explorer). Not built or run on this project's machines.
; Per-user install (no administrator rights), Start menu entry, .ttl and .trig maps opening in the app by double
; click; uninstalling removes the app only: maps, settings and journals in the user's folders stay.
#define AppVersion GetEnv("ROUTINE_EXPLORER_VERSION")

[Setup]
AppId={{6F1C2E0B-6A53-4C1B-9D8E-2F5B7A9C4E31}
AppName=Routine Explorer
AppVersion={#AppVersion}
AppPublisher=Routine Explorer contributors
DefaultDirName={autopf}\Routine Explorer
DefaultGroupName=Routine Explorer
PrivilegesRequired=lowest
OutputDir=..\..\dist
OutputBaseFilename=routine-explorer-{#AppVersion}-setup
Compression=lzma2
SolidCompression=yes
ArchitecturesInstallIn64BitMode=x64compatible
LicenseFile=..\..\LICENSE
ChangesAssociations=yes
; Not done yet: signing the installer and uninstaller (a SignTool= line here, given by the CI job when a certificate
; is set: installers.yml signs only the program), and an .ico icon (the program shows PyInstaller's default).

[Files]
Source: "..\..\dist\routine-explorer\*"; DestDir: "{app}"; Flags: recursesubdirs ignoreversion

[Icons]
Name: "{group}\Routine Explorer"; Filename: "{app}\routine-explorer.exe"
Name: "{group}\Uninstall Routine Explorer"; Filename: "{uninstallexe}"

[Registry]
Root: HKA; Subkey: "Software\Classes\.ttl\OpenWithProgids"; ValueType: string; ValueName: "RoutineExplorer.Map"; ValueData: ""; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\.trig\OpenWithProgids"; ValueType: string; ValueName: "RoutineExplorer.Map"; ValueData: ""; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\RoutineExplorer.Map"; ValueType: string; ValueName: ""; ValueData: "Routine Explorer map"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\RoutineExplorer.Map\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\routine-explorer.exe"" ""%1"""

[Run]
Filename: "{app}\routine-explorer.exe"; Description: "Start Routine Explorer"; Flags: nowait postinstall skipifsilent
